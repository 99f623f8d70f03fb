"""The customer session forgets: wiping clears everything and overwrites what it can."""

from __future__ import annotations

from kiosk.session import CustomerSession


def test_what_a_flow_collects_is_read_back_until_the_wipe():
    session = CustomerSession("ko", care_mode=True)
    assert session.is_empty and session.get("mobile") is None
    session["mobile"] = "13800138000"
    assert "mobile" in session and session["mobile"] == "13800138000"
    assert not session.is_empty


def test_wiping_forgets_everything_and_overwrites_bytes_held_elsewhere():
    session = CustomerSession("zh_CN")
    photo = bytearray(b"\xff\xd8 portrait \xff\xd9")
    session["portrait"] = photo
    session["id_number"] = "110101199003071234"
    session.wipe()
    assert session.is_empty and "id_number" not in session
    assert photo == bytearray(len(photo))  # the buffer a screen may still hold is zeroed


def test_each_visit_has_its_own_id_that_says_nothing_about_the_customer():
    first, second = CustomerSession("en"), CustomerSession("en")
    first["name"] = "WANG Fang"
    assert first.id != second.id
    assert "WANG" not in first.id and len(first.id) == 12
