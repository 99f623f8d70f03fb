"""The staff number and password form (supervisor sign-in, the password fallback): one action
at a time, never "next" beside "confirm"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.i18n import Catalog
from ui.widgets import StaffSignIn


def _key(qtbot, form: StaffSignIn, digits: str) -> None:
    for digit in digits:
        qtbot.mouseClick(form.findChild(QPushButton, f"key_{digit}"), Qt.MouseButton.LeftButton)


def test_the_form_offers_one_action_at_a_time(qtbot):
    form = StaffSignIn(Catalog("en"))
    qtbot.addWidget(form)
    form.show()
    sent: list[dict] = []
    form.submitted.connect(sent.append)

    def actions() -> list[str]:
        return [b.objectName() for b in (form.next_button, form.confirm_button) if b.isVisible()]

    assert actions() == ["next"] and form.staff_id.property("active")
    _key(qtbot, form, "800102")
    qtbot.mouseClick(form.next_button, Qt.MouseButton.LeftButton)
    assert actions() == ["confirm"] and form.password.property("active")
    assert not form.staff_id.property("active")  # the field keyed into is the one marked
    _key(qtbot, form, "913")
    qtbot.mouseClick(form.staff_id, Qt.MouseButton.LeftButton)  # back to the staff number
    assert actions() == ["next"]
    _key(qtbot, form, "9")  # a slip of the finger, put right
    qtbot.mouseClick(form.findChild(QPushButton, "key_delete"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.password, Qt.MouseButton.LeftButton)
    _key(qtbot, form, "579")
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    assert sent == [{"staff_id": "800102", "password": "913579"}]
    assert actions() == ["next"] and form.staff_id.text() == form.password.text() == ""
