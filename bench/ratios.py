"""Our layer against the bare library on the same input, side by side in one run: what our
drivers and recognizer add on top of pyscard, OpenCV, vosk and python-escpos.

Each pair is timed alternately (ours, bare, ours, bare...) so a noisy neighbour slows both
alike; the figure is the ratio of the medians.

    .venv/bin/python bench/ratios.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def side_by_side(
    ours: Callable[[], object], bare: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median ms of each, timed in turns after one untimed run of both; an action that
    returns a float has timed itself (ms)."""
    ours(), bare()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, kept in ((ours, times[0]), (bare, times[1])):
            started = time.perf_counter()
            said = action()
            kept.append(said if isinstance(said, float) else (time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def pcsc(runs: int) -> tuple[float, float]:
    """A chip card read through pcscd and the vsmartcard virtual reader: PcscCardReader.accept
    (reader look-up, connect, SELECT, GET PROCESSING OPTIONS, READ RECORD, parse) against
    pyscard sending the very APDUs our reader sent, on a connection of its own."""
    from smartcard.System import readers

    from hardware.card_reader.pcsc import PcscCardReader
    from hardware.pcsc.daemon import PcscDaemon
    from hardware.pcsc.virtual_card import VirtualCard

    name = "Virtual PCD 00 00"
    with PcscDaemon():
        reader = PcscCardReader(reader=name)
        with VirtualCard() as card:
            reader.accept(timeout=10)
            apdus = list(card.apdus)  # what one read of ours sends

            def bare() -> None:
                found = next(r for r in readers() if name in str(r))
                connection = found.createConnection()
                connection.connect()
                connection.getATR()
                for apdu in apdus:
                    connection.transmit(list(apdu))
                connection.disconnect()
                connection.release()

            return side_by_side(lambda: reader.accept(timeout=10), bare, runs)


def qr(runs: int) -> tuple[float, float]:
    """A phone's QR code: OpenCvCamera.scan_code on a given frame against cv2's detector."""
    import cv2
    import numpy as np
    import qrcode

    from hardware.camera.opencv import OpenCvCamera

    frame = cv2.cvtColor(np.array(qrcode.make("APPT:APT-7F3K9Q").convert("RGB")), cv2.COLOR_RGB2BGR)
    camera = OpenCvCamera(source=0)  # never opened: the frame is given
    camera.frame = lambda: frame
    detector = cv2.QRCodeDetector()
    return side_by_side(
        lambda: camera.scan_code(timeout=1), lambda: detector.detectAndDecode(frame), runs
    )


def vosk_command(runs: int) -> tuple[float, float] | None:
    """A spoken command in a WAV (the Korean model, the guide's first step), from the first
    chunk to the command known: SpeechIn (grammar, our 0.3 s endpoint, the decision) against a
    bare KaldiRecognizer with the same phrases fed the same 200 ms chunks until its own
    endpoint gives the text (or the file ends). None without the Korean model."""
    import vosk

    from bench.speech import Voice, synthesize
    from kiosk.flows import flow_registry
    from kiosk.i18n import Catalog
    from voice.grammar import build_grammar
    from voice.models import VoiceModels, static_views
    from voice.speech_in import SpeechIn

    model = VoiceModels({}).load("ko")
    if model is None:
        return None
    catalog = Catalog("ko")
    grammar = build_grammar(static_views(flow_registry()["guide"])[0], catalog)
    speech_in = SpeechIn(model, "ko")
    speech_in.listen_for(grammar)
    # the very phrase list our first decoding was given (ours checks it with a second one)
    phrases = speech_in._phrases[0]
    wav_path = synthesize(Path(tempfile.mkdtemp(prefix="bench-ratio-")), "예약 확인", Voice("ko"))
    with wave.open(str(wav_path)) as w:
        pcm = w.readframes(w.getnframes())
    chunk = 16000 * 200 // 1000 * 2
    heard: list[float] = []  # when the command came out
    speech_in.heard.connect(lambda _command, _utterance: heard.append(time.perf_counter()))

    def ours() -> float:
        started = time.perf_counter()
        speech_in.listen_for(grammar)
        speech_in.feed_wav(wav_path)
        assert heard, "the command was not heard"
        at = heard[0]
        heard.clear()
        return (at - started) * 1000

    def bare() -> float:
        started = time.perf_counter()
        recognizer = vosk.KaldiRecognizer(model, 16000, phrases)
        recognizer.SetWords(True)
        for i in range(0, len(pcm), chunk):
            if recognizer.AcceptWaveform(pcm[i : i + chunk]) and json.loads(
                recognizer.Result()
            ).get("text"):
                return (time.perf_counter() - started) * 1000  # vosk's own endpoint
        json.loads(recognizer.FinalResult())
        return (time.perf_counter() - started) * 1000  # the end of the file

    return side_by_side(ours, bare, runs)


def receipt(runs: int) -> tuple[float, float]:
    """A bill payment's receipt (Chinese lines, amount, QR code, cut) to ESC/POS bytes:
    EscposPrinter.print_receipt (layout, masking, GB18030, styles) against python-escpos
    sending the same rows, laid out beforehand, in GB18030 with the same styles, QR code and
    cut: what our layer adds is the layout and its masking."""
    from escpos import printer

    from hardware.ports import Receipt, ReceiptLine
    from hardware.printer.escpos import _STYLES, CHINESE_MODE, EscposPrinter
    from hardware.printer.layout import layout

    slip = Receipt(
        "缴费凭条",
        "TXN:0001",
        lines=(ReceiptLine("卡号", "622848*********8010"), ReceiptLine("户号", "1001234567")),
        amounts=(ReceiptLine("金额", "CNY 86.50"),),
    )
    ours_printer = EscposPrinter(connection="dummy")
    laid_out = [(_STYLES[style], text) for style, text in layout(slip, 48)]
    bare_printer = printer.Dummy(profile="TM-T88V")

    def ours() -> None:
        ours_printer.print_receipt(slip)
        ours_printer._open().clear()

    def bare() -> None:
        p = bare_printer
        p._raw(CHINESE_MODE)
        for style, text in laid_out:
            p.set_with_default(**style)
            p._raw(text.encode("gb18030", errors="replace") + b"\n")  # the printer's bytes
        p.set_with_default(align="center")
        p.qr(slip.qr, native=True, size=6, center=False)
        p.cut()
        p.clear()

    return side_by_side(ours, bare, runs)


PAIRS = {
    "PC/SC card read: our reader vs bare pyscard APDUs (pcscd + virtual card)": pcsc,
    "QR decode: our camera layer vs bare cv2": qr,
    "spoken command from a WAV: SpeechIn vs bare vosk (Korean model)": vosk_command,
    "receipt to ESC/POS: our printer vs bare python-escpos": receipt,
}


def rows(quick: bool) -> list[list[str]]:
    out = []
    for label, pair in PAIRS.items():
        runs = 10 if quick else 50
        if pair is pcsc:
            runs = 3 if quick else 15
        try:
            measured = pair(runs)
        except Exception as exc:  # one missing device must not cost the other rows
            out.append([label, f"not measured: {type(exc).__name__}: {exc}"[:160], "-", "-"])
            continue
        if measured is None:
            out.append([label, "not measured: no Korean vosk model", "-", "-"])
            continue
        ours, bare = measured
        ratio = ours / bare
        out.append(
            [
                f"{label} (median of {runs})",
                f"{ours:.2f} vs {bare:.2f} ms = {ratio:.2f}x",
                "<= 1.2x",
                "yes" if ratio <= 1.2 else "NO",
            ]
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for row in rows(args.quick):
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
