"""The microphone, through Qt Multimedia: 16 kHz mono 16-bit PCM pushed into a SpeechIn.

The only Qt in voice/. A kiosk without a microphone (or this build machine, which has no
sound device at all) gets None from `open_microphone`, a log line, and a screen notice key.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QIODevice, QObject
from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices

from voice.speech_in import SpeechIn

log = logging.getLogger(__name__)

NO_MICROPHONE_NOTICE = "voice.notice.no_microphone"


class Microphone(QObject):
    """Reads the default (or named) input on the Qt thread and feeds the recognizer."""

    def __init__(self, speech_in: SpeechIn, device, parent: QObject | None = None):
        super().__init__(parent)
        self.speech_in = speech_in
        fmt = QAudioFormat()
        fmt.setSampleRate(speech_in.sample_rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._source = QAudioSource(device, fmt, self)
        self._io: QIODevice | None = None

    def start(self) -> None:
        self._io = self._source.start()
        self._io.readyRead.connect(self._read)

    def stop(self) -> None:
        self._source.stop()
        self._io = None

    def _read(self) -> None:
        if self._io is not None:
            self.speech_in.accept(bytes(self._io.readAll().data()))


def open_microphone(
    speech_in: SpeechIn, name: str = "", parent: QObject | None = None
) -> Microphone | None:
    """The named (or default) microphone, or None when there is none (logged)."""
    inputs = QMediaDevices.audioInputs()
    device = next((d for d in inputs if name and name in d.description()), None)
    device = device or (QMediaDevices.defaultAudioInput() if inputs else None)
    if device is None or device.isNull():
        log.warning("voice: no microphone found: voice input is off (%s)", NO_MICROPHONE_NOTICE)
        return None
    log.info("voice: listening on %s", device.description())
    return Microphone(speech_in, device, parent)
