"""Speech out: espeak-ng through pyttsx3 in its own process, a WAV cache, and a player.

pyttsx3 cannot live in a long-running app: `runAndWait` blocks and can hang, a nested call
raises, several `save_to_file` before one `runAndWait` write only the last, and it prints on
stdout. So it runs in a child process (spawn) that renders one WAV per request; the app only
ever plays files. Prompts are rendered ahead of time (`prerender`) into a cache keyed by
text + voice + rate, so a step's prompt starts as soon as the step is entered. A child that
hangs, or that is busy rendering something nobody wants any more, is killed and restarted.

Playback uses sox's `play` (ALSA/PulseAudio on a kiosk with a sound card): one process per
prompt, killed to interrupt. Without a sound device the app carries on and says so in the log
once; the `spoke` event still fires, so the screen and tests see what would have been said.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import queue
import shutil
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from kiosk.events import Event
from voice.sounds import sound_path

log = logging.getLogger(__name__)

# espeak-ng voices per catalog language. `sit/cmn` reads tone digits aloud (espeak-ng 1.51):
# the pinyin variant does not. zh_TW branches (Hong Kong/Macau customers) get Cantonese.
DEFAULT_VOICES = {"zh_CN": "sit/cmn-latn-pinyin", "zh_TW": "sit/yue", "en": "gmw/en-us", "ko": "ko"}
MAX_RESTARTS = 3  # in a row, without a prompt rendered in between


def _render_loop(urgent, background, done, cache_dir: str) -> None:  # in the child
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # pyttsx3 prints "Audio saved to …"
    import pyttsx3
    from pyttsx3.drivers import _espeak

    engine = pyttsx3.init("espeak")
    # espeak-ng runs its queue (rate changes among it) only from the first utterance on
    engine.save_to_file(".", os.path.join(cache_dir, ".warm-up.wav"))
    engine.runAndWait()
    while True:
        try:
            job = urgent.get(timeout=0.05)
        except queue.Empty:
            try:
                job = background.get(timeout=0.05)
            except queue.Empty:
                continue
        if job is None:
            return
        text, voice, rate, path = job
        done.put(("started", path, ""))
        part = path + ".part.wav"
        try:
            engine.setProperty("voice", voice)  # taken at once
            _take_rate(engine, _espeak, rate)
            # an empty WAV (espeak-ng still busy when runAndWait began) is never cached
            for _ in range(2):
                engine.save_to_file(text, part)  # exactly one file per runAndWait
                engine.runAndWait()
                if _has_audio(part):
                    break
            else:
                raise RuntimeError("espeak-ng wrote no audio")
            os.replace(part, path)
        except Exception as exc:  # noqa: BLE001 - reported to the app, the loop goes on
            done.put(("failed", path, f"{type(exc).__name__}: {exc}"))
            continue
        done.put(("done", path, ""))


def _take_rate(engine, espeak, rate: int) -> None:
    """espeak-ng queues a rate change like an utterance, and pyttsx3's runAndWait begins by
    cancelling whatever espeak-ng still has queued: a new rate was dropped (care mode spoke at
    the old speed into the slow one's cache file) unless it is in before the utterance."""
    for _ in range(50):  # a few at most; bounded in case espeak-ng ever stores it clamped
        if espeak.dll.espeak_GetParameter(espeak.RATE, 1) == rate and not espeak.IsPlaying():
            return
        engine.setProperty("rate", rate)
        espeak.Synchronize()  # until espeak-ng's queue is empty
    raise RuntimeError(f"espeak-ng did not take rate {rate}")


def _has_audio(path: str) -> bool:
    try:
        with wave.open(path, "rb") as wav:
            return wav.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


class WavCache:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder).expanduser()
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, text: str, voice: str, rate: int) -> Path:
        key = hashlib.sha256(f"{voice}\0{rate}\0{text}".encode()).hexdigest()[:32]
        return self.folder / f"{key}.wav"


class Player:
    """Plays one WAV at a time with sox's `play`; a new one (or stop) cuts the old one."""

    def __init__(
        self,
        command: tuple[str, ...] = ("play", "-q"),
        output: tuple[str, ...] = (),
    ):
        self.command, self.output = command, output  # output: sox's after the file ("-n")
        self.volume = 0.9
        # Called (on a watcher thread) with a file played through to its end, not cut off.
        self.finished: Callable[[Path], None] = lambda _path: None
        self.working = shutil.which(command[0]) is not None
        if not self.working:
            log.warning("speech out: %s not found: no audio, prompts are shown only", command[0])
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def play(self, path: Path, lead_in: Path | None = None) -> None:
        """Plays `path`, after `lead_in` when given (a reminder sound before its words)."""
        with self._lock:
            self._stop_locked()
            if not self.working:
                return
            volume = ["-v", f"{self.volume:.2f}"]  # sox: applies to the file after it
            first = [*volume, str(lead_in)] if lead_in is not None else []
            self._process = subprocess.Popen(
                [*self.command, *first, *volume, str(path), *self.output],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            threading.Thread(target=self._watch, args=(self._process, path), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self._process = None

    def _watch(self, process: subprocess.Popen, path: Path) -> None:
        _, err = process.communicate()
        if process.returncode == 0:  # killed to cut it off: a signal, never 0
            self.finished(path)
        elif process.returncode > 0 and self.working:
            self.working = False  # no sound card: say it once, then stay quiet
            log.warning(
                "speech out: no audio device (%s): the kiosk goes on without sound",
                err.decode(errors="replace").strip().splitlines()[-1:] or "?",
            )


class SpeechOut:
    """Speaks prompts in the current language; every call returns at once."""

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        language: str = "zh_CN",
        voices: Mapping[str, str] | None = None,
        rate: int = 170,
        volume: float = 0.9,
        player: Player | None = None,
        stuck_after_s: float = 10.0,
        post: Callable[[Callable[[], None]], None] = lambda call: call(),
    ):
        self.cache = WavCache(cache_dir)
        self.voices = {**DEFAULT_VOICES, **(voices or {})}
        self.language = language
        self.rate = rate
        self.player = player or Player()
        self.player.volume = volume
        self.stuck_after_s = stuck_after_s
        self.spoke: Event[str] = Event("spoke")  # (text): playback of a prompt started
        self.sounded: Event[str] = Event("sounded")  # (name): a sound (the reminder) started
        self._lead_in: tuple[Path, str] | None = None  # a sound before the wanted prompt
        # (text): a prompt was played to its end (an agreement heard in full), posted
        self.played: Event[str] = Event("played")
        self._playing: tuple[Path, str] | None = None
        self.player.finished = self._finished
        self._post = post
        self._lock = threading.Lock()
        self._wanted: tuple[Path, str] | None = None  # the file to play as soon as it exists
        self._last = ""
        self._rendering: tuple[str, float, bool] | None = None  # path, since, urgent
        self._closed = False
        self._failures = 0  # restarts since the last prompt rendered well
        self._process: multiprocessing.process.BaseProcess | None = None
        self._started = False  # the speech process starts with the first prompt

    # --- what the navigator and the screen call ----------------------------------------------

    @property
    def voice(self) -> str:
        return self.voices.get(self.language, self.voices["en"])

    def set_language(self, language: str) -> None:
        self.language = language

    def set_rate(self, rate: int) -> None:
        self.rate = int(rate)

    def use_player(self, player: Player) -> None:
        """Plays through `player` from now on (a test's sox into its null device)."""
        player.volume, player.finished = self.player.volume, self._finished
        self.player.stop()
        self.player = player

    def set_volume(self, volume: float) -> None:
        self.player.volume = min(max(float(volume), 0.0), 1.0)

    def speak(self, text: str, *, sound: str | None = None) -> None:
        """Says `text`, cutting off whatever is being said (an empty text just stops); the
        sound named `sound` (voice.sounds) comes first, with no gap."""
        self._last = text
        path = self.cache.path(text, self.voice, self.rate)
        with self._lock:
            self.player.stop()
            self._wanted = None
            self._lead_in = (sound_path(self.cache.folder, sound), sound) if sound else None
            if not text.strip():
                return
            if path.exists():
                self._play(path, text)
                return
            self._wanted = (path, text)
            self._ensure_worker()
            self._drop_unwanted_rendering()
            self._urgent.put((text, self.voice, self.rate, str(path)))

    def repeat(self) -> None:
        if self._last:
            self.speak(self._last)

    def stop(self) -> None:
        with self._lock:
            self._wanted = None
            self.player.stop()
            self._drop_unwanted_rendering()

    def prerender(
        self, texts: Iterable[str], *, language: str | None = None, rate: int | None = None
    ) -> list[Path]:
        """Renders prompts into the cache in the background; returns their cache paths."""
        voice = self.voices.get(language or self.language, self.voice)
        rate = rate or self.rate
        self._ensure_worker()
        paths = []
        for text in dict.fromkeys(texts):
            path = self.cache.path(text, voice, rate)
            paths.append(path)
            if not path.exists():
                self._background.put((text, voice, rate, str(path)))
        return paths

    def close(self) -> None:
        self._closed = True
        self.stop()
        self._stop_worker()

    @property
    def last_text(self) -> str:
        """What was last asked to be said (what "repeat" says again)."""
        return self._last

    @property
    def rendering(self) -> str | None:
        """The cache file the speech process is writing now, if any."""
        return self._rendering[0] if self._rendering else None

    @property
    def worker_pid(self) -> int | None:
        return self._process.pid if self._process else None

    # --- the rendering process -----------------------------------------------------------------

    def _ensure_worker(self) -> None:
        """Starts the speech process once: a kiosk whose customers never need speech, or a
        test that never speaks, does not pay for a process importing pyttsx3."""
        if self._started or self._closed:
            return
        self._started = True
        self._start_worker()
        threading.Thread(target=self._collect, name="speech-out", daemon=True).start()

    def _start_worker(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._urgent, self._background, self._done = (
            context.Queue(),
            context.Queue(),
            context.Queue(),
        )
        self._process = context.Process(
            target=_render_loop,
            name="tts",
            args=(self._urgent, self._background, self._done, str(self.cache.folder)),
            daemon=True,
        )
        self._process.start()
        self._rendering = None

    def _stop_worker(self) -> None:
        process = self._process
        if process is None:
            return
        process.terminate()
        process.join(2)
        if process.is_alive():
            process.kill()
            process.join(2)
        for jobs in (self._urgent, self._background):
            # Nobody reads these any more: jobs still queued (hundreds while pre-rendering) must
            # not keep the app from exiting, waiting to write into a pipe nobody empties.
            jobs.cancel_join_thread()
            jobs.close()
        self._process, self._rendering = None, None

    def _restart_worker(self, why: str) -> None:
        culprit = self._rendering[0] if self._rendering else None
        if self._wanted is not None and str(self._wanted[0]) == culprit:
            # espeak-ng crashes (SIGSEGV) or crawls on very long texts: never retry that one.
            log.error(
                "speech out: could not render a %d-character prompt: %s", len(self._wanted[1]), why
            )
            self._wanted = None
        self._failures += 1
        self._stop_worker()
        if self._failures > MAX_RESTARTS:
            log.error("speech out: the speech process keeps failing: speech is off")
            return
        log.warning("speech out: restarting the speech process (%s)", why)
        self._start_worker()
        if self._wanted is not None:  # the prompt still wanted goes first in the new one
            path, text = self._wanted
            self._urgent.put((text, self.voice, self.rate, str(path)))

    def _drop_unwanted_rendering(self) -> None:
        """A long prompt nobody waits for any more is not finished: the process is restarted."""
        rendering = self._rendering
        wanted = str(self._wanted[0]) if self._wanted else None
        # A short prompt is done in ~20 ms; only a long one is worth a restart (~0.5 s).
        if (
            rendering
            and rendering[2]
            and rendering[0] != wanted
            and time.monotonic() - rendering[1] > 0.3
        ):
            self._failures -= 1  # an interruption is not a failure
            self._restart_worker("interrupted a prompt being rendered")

    def _collect(self) -> None:
        while not self._closed:
            try:
                state, path, problem = self._done.get(timeout=0.2)
            except (queue.Empty, OSError, ValueError):
                self._check_stuck()
                continue
            with self._lock:
                if state == "started":
                    urgent = bool(self._wanted and str(self._wanted[0]) == path)
                    self._rendering = (path, time.monotonic(), urgent)
                    continue
                self._rendering = None
                wanted = self._wanted if self._wanted and str(self._wanted[0]) == path else None
                if state == "failed":
                    log.error("speech out: could not render a prompt: %s", problem)
                    self._wanted = None if wanted else self._wanted
                    continue
                self._failures = 0
                if wanted:
                    _, text = wanted
                    self._wanted = None
                    self._play(Path(path), text)

    def _check_stuck(self) -> None:
        with self._lock:
            rendering = self._rendering
            if rendering and time.monotonic() - rendering[1] > self.stuck_after_s:
                self._restart_worker(f"rendering took over {self.stuck_after_s:.0f} s")
            elif self._process is not None and not self._process.is_alive() and not self._closed:
                self._restart_worker(f"it stopped with exit code {self._process.exitcode}")

    def _play(self, path: Path, text: str) -> None:
        self._playing = (path, text)
        lead_in, self._lead_in = self._lead_in, None
        self.player.play(path, lead_in[0] if lead_in else None)
        if lead_in is not None:
            self._post(lambda: self.sounded.emit(lead_in[1]))
        self._post(lambda: self.spoke.emit(text))

    def _finished(self, path: Path) -> None:
        playing = self._playing
        if playing is not None and playing[0] == path:
            self._post(lambda: self.played.emit(playing[1]))
