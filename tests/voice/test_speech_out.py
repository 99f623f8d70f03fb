"""The real espeak-ng speech process: WAVs in the cache, interruption, no sound card here."""

import logging
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from voice.speech_out import SpeechOut

pytestmark = pytest.mark.slow


def test_prerender_writes_each_prompt_once_per_voice_and_rate(speech_out, eventually):
    texts = ["오늘 어떤 업무를 보시겠습니까?", "다시 말해 주세요"]
    # the session's speech process: other tests leave it in other languages and rates
    paths = speech_out.prerender(texts, language="ko", rate=170)
    slower = speech_out.prerender(texts[:1], language="ko", rate=110)
    assert len(set(paths + slower)) == 3
    eventually(lambda: all(p.exists() for p in paths + slower))
    for path in paths + slower:
        with wave.open(str(path)) as wav:
            assert wav.getnframes() > wav.getframerate() // 4  # at least a quarter second
    with wave.open(str(paths[0])) as normal, wave.open(str(slower[0])) as slow:
        # care mode really speaks slower
        assert slow.getnframes() > normal.getnframes(), (slow.getnframes(), normal.getnframes())


def test_without_a_sound_card_speech_goes_on_and_is_logged_once(tmp_path, caplog, eventually):
    caplog.set_level(logging.WARNING, logger="voice.speech_out")
    speech_out = SpeechOut(tmp_path, language="ko")
    try:
        _speak_three_and_repeat(speech_out, eventually)
    finally:
        speech_out.close()
    warnings = [r for r in caplog.records if "no audio device" in r.getMessage()]
    assert len(warnings) <= 1
    if not speech_out.player.working:  # this machine: no ALSA card
        assert len(warnings) == 1


def _speak_three_and_repeat(speech_out, eventually):
    spoken = []
    speech_out.spoke.connect(spoken.append)
    try:
        for text in ["첫 번째 안내", "두 번째 안내", "세 번째 안내"]:
            speech_out.speak(text)
            eventually(lambda text=text: text in spoken)
        speech_out.repeat()
        eventually(lambda: spoken.count("세 번째 안내") == 2)
    finally:
        speech_out.spoke.disconnect(spoken.append)


def test_a_long_prompt_being_rendered_is_cut_off_by_the_next_one(speech_out, eventually):
    spoken = []
    speech_out.spoke.connect(spoken.append)
    try:
        long_text = "가나다라마바사아자차카타파하. " * 150  # ~3 s of rendering
        speech_out.speak(long_text)
        eventually(lambda: speech_out.rendering is not None)
        time.sleep(0.5)  # let it be well into the long text
        assert speech_out.rendering is not None, "the long text rendered too fast to interrupt"
        worker = speech_out.worker_pid
        speech_out.speak("짧은 안내")
        eventually(lambda: "짧은 안내" in spoken)
    finally:
        speech_out.spoke.disconnect(spoken.append)
    assert speech_out.worker_pid != worker  # the busy process was replaced
    assert long_text not in spoken
    assert not speech_out.cache.path(long_text, speech_out.voice, speech_out.rate).exists()


def test_a_prompt_that_crashes_espeak_is_dropped_and_speech_carries_on(
    speech_out, caplog, eventually
):
    # espeak-ng dies with SIGSEGV on a very long text: the process is restarted, that text is
    # given up (logged), and the next prompt is spoken as usual.
    spoken = []
    speech_out.spoke.connect(spoken.append)
    try:
        speech_out.speak("가나다라마바사아자차카타파하. " * 1000)
        eventually(lambda: "could not render" in caplog.text)
        speech_out.speak("다음 안내")
        eventually(lambda: "다음 안내" in spoken)
    finally:
        speech_out.spoke.disconnect(spoken.append)


def test_the_app_exits_while_prompts_are_still_queued_for_prerendering(tmp_path):
    """At exit, multiprocessing waits to write queued jobs into the dead process's pipe
    unless told not to: a kiosk told to stop (SIGTERM) hung there."""
    script = tmp_path / "quit.py"
    script.write_text(
        "from voice.speech_out import SpeechOut\n"
        "if __name__ == '__main__':\n"
        f"    out = SpeechOut({str(tmp_path / 'cache')!r}, language='ko')\n"
        "    out.prerender([f'안내 문장 {i} ' * 20 for i in range(3000)])\n"
        "    out.close()\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        check=False,
        cwd=Path(__file__).parents[2],
        timeout=120,
        capture_output=True,
    )  # a hang fails the test
    assert done.returncode == 0, done.stderr.decode()[-500:]
