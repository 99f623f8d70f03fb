"""The microphone through Qt Multimedia: a kiosk with none (this build machine has no sound
device) gets no microphone, a log line and the screen notice's key, never a crash; what a
microphone reads reaches the recognizer as it is, and is heard (real vosk, real espeak)."""

from __future__ import annotations

import logging
import wave

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtMultimedia import QAudioDevice, QMediaDevices

from tests.voice.test_speech_in import _need_grammar
from voice.grammar import Help
from voice.microphone import NO_MICROPHONE_NOTICE, Microphone, open_microphone
from voice.speech_in import SpeechIn


def test_the_machines_microphone_is_opened_or_voice_input_is_off_with_a_notice(
    qapp, korean_model, caplog
):
    caplog.set_level(logging.INFO)
    speech_in = SpeechIn(korean_model, "ko")
    microphone = open_microphone(speech_in, name="no such microphone anywhere")
    if QMediaDevices.audioInputs():  # a named one not found: the default one is used
        assert isinstance(microphone, Microphone) and "listening on" in caplog.text
    else:
        assert microphone is None
        assert NO_MICROPHONE_NOTICE in caplog.text and "voice input is off" in caplog.text


def test_what_the_microphone_reads_is_heard(qapp, korean_model, say):
    speech_in = SpeechIn(korean_model, "ko")
    speech_in.listen_for(_need_grammar())
    heard = []
    speech_in.heard.connect(lambda command, _utterance: heard.append(command))
    microphone = Microphone(speech_in, QAudioDevice())
    with wave.open(str(say("도움말")), "rb") as wav:
        assert wav.getframerate() == speech_in.sample_rate
        pcm = wav.readframes(wav.getnframes())
    # what Qt's audio source would hand over as it records: the same bytes, in pieces
    for start in range(0, len(pcm), 6400):
        buffer = QBuffer()
        buffer.setData(QByteArray(pcm[start : start + 6400]))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        microphone._io = buffer
        microphone._read()
    speech_in.finish()
    assert heard and Help() in (heard[0], getattr(heard[0], "guess", None))
