"""Nothing is left behind, and nothing left behind is used: the take-back step waits for the
ID card, reminds twice, calls staff when the customer walks away, and no new visit can read
the card until it is taken."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.flows.take_back import REMINDERS, TAKE_BACK


def test_an_id_card_left_on_the_reader_is_asked_for_then_secured(kiosk_app):
    k = kiosk_app
    steps: list[str] = []
    k.engine.step_entered.connect(lambda view: steps.append(view.step.id))
    reader = k.devices.id_card_reader
    # the customer never lifts the card: each of the three waits ends with it still there
    # (the read's own wait comes first and is left alone)
    reader.inject("timeout", times=3, after=1)
    k.start("appointment_checkin")
    k.tap("choice_id_card")
    k.wait_until(lambda: k.step() == "read_id")
    reader.insert("li")
    k.wait_for_step("ticket")  # the visit goes on to its result: the ticket is theirs
    assert steps[steps.index(TAKE_BACK) :][:3] == [TAKE_BACK, *REMINDERS]  # two reminders
    k.wait_until(lambda: "card_left_behind" in k.staff_calls())  # staff are on their way
    assert ("id_card_left", "done") in k.journaled()
    assert [i.item for i in k.services.left_behind.items()] == ["id_card"]  # for staff
    assert reader.present()

    k.tap("choice_done")
    k.tap("choice_skip")
    k.wait_for_screen("attract")
    k.sees_message("ui.attract.left.id_card")
    # the next customer touches the screen, or chooses a service by voice: no visit starts
    k.qtbot.mouseClick(k.window.attract, Qt.MouseButton.LeftButton)
    k.sees_message("ui.attract.left.id_card")
    assert k.window.current_screen() == "attract"
    k.kiosk.begin("card_issue")
    assert not k.engine.active  # the card on the reader is never read into a new visit

    reader.take()  # staff (or the customer, coming back) take it
    k.qtbot.mouseClick(k.window.attract, Qt.MouseButton.LeftButton)
    k.wait_for_screen("home")
    assert k.kiosk.left_in_readers() == []
