"""The step screens on the real window (sandbox bank, simulated devices): PIN boxes, "processing"
only while the kiosk works, the stage bar, results by outcome, care mode's four choices."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QScrollArea

from kiosk.flows.model import CONFIRM, Choice, StepKind, StepView
from ui.art import Picture
from ui.camera_view import CameraView
from ui.widgets import PinBoxes


def settle() -> None:
    pause = QEventLoop()  # let workers' results and repaints arrive
    QTimer.singleShot(10, pause.quit)
    pause.exec()


def at(qtbot, window, step_id: str) -> None:
    qtbot.waitUntil(
        lambda: window.engine.view is not None and window.engine.view.step.id == step_id,
        timeout=20_000,
    )
    QApplication.processEvents()


def shown(window, cls, name: str | None = None):
    found = window.findChildren(cls) if name is None else window.findChildren(cls, name)
    return [w for w in found if w.isVisible()]


def test_pin_boxes_fill_per_key_and_a_wrong_pin_empties_them_with_the_tries_left(qtbot, window):
    devices = window.engine.services.devices
    failures = []
    window.engine.step_failed.connect(failures.append)
    window.kiosk.begin("bill_payment")
    at(qtbot, window, "insert_card")
    devices.card_reader.insert("wang")
    at(qtbot, window, "pin")
    (boxes,) = shown(window, PinBoxes)
    assert len(boxes.boxes) == 6 and boxes.filled == 0
    for key in "999":
        devices.pin_pad.press(key)
    qtbot.waitUntil(lambda: boxes.filled == 3)
    assert all(not any(c.isdigit() for c in box.text()) for box in boxes.boxes)  # never a digit
    for key in "999":
        devices.pin_pad.press(key)
    devices.pin_pad.press("enter")
    qtbot.waitUntil(lambda: bool(failures))
    QApplication.processEvents()
    (error,) = failures
    assert error.message_key == "backend.declined.pin_wrong" and error.params["tries_left"] >= 1
    assert boxes.filled == 0
    assert window.step_screen.error.text() == window.catalog.text(
        "backend.declined.pin_wrong", tries_left=error.params["tries_left"]
    )
    assert not window.step_screen.working


def test_waiting_for_the_customer_is_never_processing_but_working_is(qtbot, window):
    """A whole bill payment: each time an action starts, "processing" shows exactly when the
    step does not wait for the customer."""
    engine, devices = window.engine, window.engine.services.devices
    seen: list[tuple[str, bool, bool]] = []  # (step, waits for the customer, processing shown)

    def started(busy: bool) -> None:  # runs after the window's own listener
        if busy:
            step = engine.view.step
            seen.append((step.id, step.waits_for_customer, window.step_screen.working))

    engine.busy_changed.connect(started)
    window.kiosk.begin("bill_payment")
    at(qtbot, window, "insert_card")
    assert shown(window, QLabel, "prompt")[0].text() == window.catalog.text(
        "bank_card.insert.prompt"
    )
    (picture,) = shown(window, Picture, "picture")  # where the card goes, sliding in
    assert picture.animated
    devices.card_reader.insert("wang")
    at(qtbot, window, "pin")
    for key in "147258":
        devices.pin_pad.press(key)
    devices.pin_pad.press("enter")
    at(qtbot, window, "biller")
    engine.submit("water")
    at(qtbot, window, "bill_source")
    engine.submit("keypad")
    at(qtbot, window, "bill_number")
    engine.submit("1001234567")
    at(qtbot, window, "review")
    engine.submit(CONFIRM)
    at(qtbot, window, "paid")
    waiting = [(step, on) for step, waits, on in seen if waits]
    working = [(step, on) for step, waits, on in seen if not waits]
    assert {"insert_card", "pin", "take_card"} <= {step for step, _ in waiting}
    assert {"load_billers", "review", "print_receipt"} <= {step for step, _ in working}
    assert not any(on for _, on in waiting), waiting
    assert all(on for _, on in working), working


def test_the_face_step_shows_the_live_camera_and_its_oval_turns_green(qtbot, window):
    camera = window.engine.services.devices.camera
    flow = window.engine.flows["account_opening"]
    view = StepView(flow, flow.step("face"), {}, (), (), False)
    window.step_screen.show_view(view, window.theme)
    window.stack.setCurrentWidget(window.step_screen)
    (live,) = shown(window, CameraView)
    qtbot.waitUntil(lambda: live.frames > 0)
    assert not live.framed
    camera.set_face(True)
    qtbot.waitUntil(lambda: live.framed)
    camera.set_face(False)
    qtbot.waitUntil(lambda: not live.framed)
    window.show_attract()
    assert not live._thread.isRunning()  # the camera is let go when the screen changes


def _show(window, flow_id: str, step_id: str, params=None, choices=None) -> None:
    flow = window.engine.flows[flow_id]
    step = flow.step(step_id)
    if choices is None:
        choices = tuple(step.choices) if not callable(step.choices) else ()
    view = StepView(flow, step, params or {}, choices, (), False)
    window.step_screen.show_view(view, window.theme)
    window.stack.setCurrentWidget(window.step_screen)
    QApplication.processEvents()


def test_the_stage_bar_is_drawn_from_the_view(window):
    flow = window.engine.flows["bill_payment"]
    stages = ("bank_card.insert.title", "bill_payment.review.title", "common.done")
    step = flow.step("review")
    view = StepView(flow, step, {}, (), (), True, stages=stages, stage=1)
    window.step_screen.show_view(view, window.theme)
    window.stack.setCurrentWidget(window.step_screen)
    c = window.catalog
    assert [w.text() for w in shown(window, QLabel, "stage_done")] == [c.text(stages[0])]
    assert [w.text() for w in shown(window, QLabel, "stage_current")] == [c.text(stages[1])]
    assert c.text(stages[2]) in [w.text() for w in shown(window, QLabel, "stage_todo")]


def test_success_refusal_and_partial_results_never_look_alike(window):
    outcomes = {}
    for flow_id, step_id, params in (
        ("bill_payment", "paid", {"paid": "86.50 元", "amount": "86.50", "reference": "R1"}),
        ("bill_payment", "not_done", {"reason": "-", "card": ""}),
        ("appointment_checkin", "ticket_offline", {"number": "C017"}),
        ("bill_payment", "paid_no_receipt", {"paid": "86.50 元", "reference": "R1"}),
    ):
        _show(window, flow_id, step_id, params)
        frame = next(f for f in shown(window, QFrame) if f.objectName().startswith("result_"))
        icon = next(w for w in shown(window, QLabel) if w.objectName().startswith("result_icon"))
        image = icon.pixmap().toImage()  # the disc of the icon, near its top
        colour = image.pixelColor(image.width() // 2, image.height() // 6).name()
        outcomes[step_id] = (frame.objectName(), icon.objectName(), colour)
        taken = {"paid": "paid", "ticket_offline": "number", "paid_no_receipt": "reference"}
        if step_id in taken:  # what to take away is the largest text
            (big,) = shown(window, QLabel, "takeaway")
            assert big.text() == params[taken[step_id]]
            others = [w for w in shown(window, QLabel) if w is not big and w.text()]
            assert all(w.font().pointSize() < big.font().pointSize() for w in others)
    assert outcomes["paid"][:2] == ("result_success", "result_icon_success")
    assert outcomes["not_done"][:2] == ("result_refused", "result_icon_refused")
    assert outcomes["ticket_offline"][:2] == ("result_partial", "result_icon_partial")
    # paid, but the receipt did not print: a partial, never the plain success
    assert outcomes["paid_no_receipt"] == outcomes["ticket_offline"]
    assert len({colour for _, _, colour in outcomes.values()}) == 3


def test_the_review_screen_makes_the_amount_stand_out(window):
    flow = window.engine.flows["bill_payment"]
    step = flow.step("review")
    summary = (
        ("bill_payment.summary.biller", "自来水费"),
        ("bill_payment.summary.amount", "86.50 元"),
    )
    view = StepView(flow, step, {}, (), summary, True)
    window.step_screen.show_view(view, window.theme)
    window.stack.setCurrentWidget(window.step_screen)
    (amount,) = shown(window, QLabel, "takeaway")
    assert amount.text() == "86.50 元"
    assert all(
        w.font().pointSize() < amount.font().pointSize()
        for w in shown(window, QLabel)
        if w is not amount
    )


def _choice_buttons(window) -> list[QPushButton]:
    return [
        b
        for b in shown(window, QPushButton)
        if b.objectName().startswith(("choice_", "service_")) or b.objectName() == "more"
    ]


@pytest.mark.parametrize(
    "flow_id", ["guide", "account_opening", "card_issue", "bill_payment", "appointment_checkin"]
)
def test_no_care_mode_screen_shows_more_than_four_choices(window, flow_id):
    """Every step of the flow in care mode; a step whose choices come from the bank (billers,
    accounts) is drawn with nine, so paging is exercised; every choice is reached by "more"."""
    window.kiosk.set_care_mode(True)
    for step in window.engine.flows[flow_id].steps:
        if step.kind is StepKind.AUTHORISE:
            continue
        choices = (
            tuple(Choice(f"c{i}", "common.yes") for i in range(9))
            if callable(step.choices)
            else tuple(step.choices)
        )
        if callable(step.choices) and step.kind is StepKind.FIELD:
            choices = (Choice("c0", "common.yes", aside=True),)  # a field's: a new SMS code
        _show(window, flow_id, step.id, choices=choices)
        # an aside choice (the survey's "skip") sits in the footer beside back and cancel
        aside = {f"choice_{c.id}" for c in choices if c.aside}
        seen: set[str] = set(aside)
        for _page in range(len(choices) + 1):
            buttons = [b for b in _choice_buttons(window) if b.objectName() not in aside]
            assert len(buttons) <= 4, (step.id, [b.objectName() for b in buttons])
            seen |= {b.objectName() for b in buttons}
            more = [b for b in buttons if b.objectName() == "more"]
            if not more:
                break
            more[0].click()
            QApplication.processEvents()
        assert {f"choice_{c.id}" for c in choices} <= seen, step.id


STAFF_SUMMARY = (
    ("identity.summary.name", "赵丽"),
    ("identity.summary.id_number", "320102********0527"),
    ("identity.summary.valid_to", "2040-04-01"),
    ("account_opening.summary.phone", "135****5000"),
    ("account_opening.summary.product", "backend.product.standard_debit"),
    ("account_opening.summary.class", "account_opening.class.i"),
)


@pytest.mark.parametrize("language", ["zh_CN", "zh_TW", "en", "ko"])
def test_the_staff_reviewing_screen_fits_without_scrolling_in_care_mode(window, language):
    """Staff are reviewing a class I account; they could not approve it, so the error line
    shows too: at 1920x1080 in care mode the whole masked application fits, no scroll bar."""
    window.kiosk.set_language(language)
    window.kiosk.set_care_mode(True)
    c = window.catalog
    flow = window.engine.flows["account_opening"]
    summary = tuple(
        (key, c.text(value) if "." in value and not value[0].isdigit() else value)
        for key, value in STAFF_SUMMARY
    )
    params = {"reasons": c.text("identity.staff.reason_class_i")}
    view = StepView(flow, flow.step("staff"), params, (), summary, False, stages=("common.done",))
    window.step_screen.show_view(view, window.theme)
    window.stack.setCurrentWidget(window.step_screen)
    window.step_screen.show_error(c.text("backend.staff_not_permitted"), True)
    settle()
    (area,) = shown(window, QScrollArea, "summary_scroll")
    assert area.verticalScrollBar().maximum() == 0
    values = {w.text() for w in shown(window, QLabel, "summary_value")}
    assert values == {value for _key, value in summary}


def test_showing_step_after_step_leaves_nothing_behind_in_python(window):
    """A soak of a thousand visits shows tens of thousands of steps on one screen: a signal
    connection that keeps a wrapper per step shown grows the heap for ever."""
    import gc
    import tracemalloc

    from PySide6.QtCore import QEvent

    def show(times: int) -> None:
        for _ in range(times):
            _show(window, "bill_payment", "review")
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()

    show(50)  # caches fill: catalogs, fonts, styles
    tracemalloc.start()
    try:
        show(20)
        before = tracemalloc.get_traced_memory()[0]
        show(600)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # ~120 bytes a step are still left (PySide's own, for the buttons' connections); the two
    # per-step connections to long-lived receivers made it ~245
    assert grown < 600 * 180, f"{grown / 600:.0f} bytes left behind per step shown"
