"""How long the device operations a customer waits on take here: PIN block, face and QR
detection on one frame, a receipt's ESC/POS bytes, and a chip card read through pcscd.

Run: .venv/bin/python bench/hardware_devices.py  (starts pcscd if none runs; stops only it)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np
import qrcode
from skimage import data as skimage_data

from hardware.camera.opencv import OpenCvCamera
from hardware.card_reader.pcsc import PcscCardReader
from hardware.pcsc.daemon import PcscDaemon
from hardware.pcsc.virtual_card import VirtualCard
from hardware.pinpad.iso9564 import encode_pin_block
from hardware.ports import Receipt, ReceiptLine
from hardware.printer.escpos import EscposPrinter


def times_ms(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_ms(action: Callable[[], object], runs: int) -> float:
    return statistics.median(times_ms(action, runs))


def timed(label: str, action: Callable[[], object], runs: int) -> None:
    times = times_ms(action, runs)
    print(f"| {label:<34} | {runs:>4} | {statistics.median(times):>9.2f} | {max(times):>9.2f} |")


def main() -> None:
    face = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)
    qr = cv2.cvtColor(np.array(qrcode.make("APPT:APT-7F3K9Q").convert("RGB")), cv2.COLOR_RGB2BGR)
    camera = OpenCvCamera(source=0)  # never opened: find_face works on given frames
    detector = cv2.QRCodeDetector()
    receipt = Receipt(
        "缴费凭条",
        "TXN:0001",
        lines=(ReceiptLine("卡号", "622848*********8010"),),
        amounts=(ReceiptLine("金额", "CNY 86.50"),),
    )

    def print_receipt() -> None:
        EscposPrinter(connection="dummy").print_receipt(receipt)

    print("| operation                          | runs | median ms |    max ms |")
    print("|------------------------------------|------|-----------|-----------|")
    timed("ISO-4 PIN block", lambda: encode_pin_block("147258", "6228480012345678010"), 200)
    timed("face detection, 512x512 frame", lambda: camera.find_face(face), 20)
    timed("QR decode, qrcode PNG", lambda: detector.detectAndDecode(qr), 20)
    timed("receipt to ESC/POS bytes", print_receipt, 50)
    with PcscDaemon():
        reader = PcscCardReader(reader="Virtual PCD 00 00")
        with VirtualCard():
            timed("chip card read via pcscd + vpcd", lambda: reader.accept(timeout=10), 10)


if __name__ == "__main__":
    main()
