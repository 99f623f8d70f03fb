"""The PIN pad's keys as navigation keys, read from the simulated pad on their own thread."""

from hardware.pinpad.simulated import SimulatedPinPad
from hardware.ports import KeyKind
from voice.pin_pad_keys import PinPadKeys


def test_every_key_arrives_in_order_and_stop_lets_the_pad_go(eventually):
    pad = SimulatedPinPad()
    keys = []
    reader = PinPadKeys(pad, keys.append, post=lambda call: call())
    reader.start()
    for key in ("8", "enter", "cancel", "2", "clear", "5"):
        pad.press(key)
    eventually(lambda: len(keys) == 6)
    assert [(k.kind, k.digit) for k in keys] == [
        (KeyKind.DIGIT, "8"),
        (KeyKind.ENTER, None),
        (KeyKind.CANCEL, None),
        (KeyKind.DIGIT, "2"),
        (KeyKind.CLEAR, None),
        (KeyKind.DIGIT, "5"),
    ]
    reader.stop()
    eventually(lambda: not reader.listening)
    pad.press("9")  # now the keys wait for whoever opens the pad next (a PIN entry)
    pad.press("enter")
    assert pad.data_entry(lambda _key: None, timeout=5.0) == "9"
    assert len(keys) == 6
