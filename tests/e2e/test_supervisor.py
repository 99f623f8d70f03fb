"""Branch staff at the kiosk: hold the kiosk number, sign in against the bank, find devices,
supplies, figures, the journal and the service switches on tabs that fit the screen; signed out
when idle or when a customer could start; locked out after wrong passwords; quit only with the
exit code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea

from hardware.errors import PaperJammed
from hardware.ports import Receipt
from kiosk.backend.client import new_idempotency_key
from kiosk.backend.errors import Declined
from kiosk.supervisor import SupervisorRefused
from ui.figures_charts import words
from ui.supervisor import TABS


def hold_kiosk_number(k, ms: int = 3300) -> None:
    k.qtbot.mousePress(k.window.kiosk_label, Qt.MouseButton.LeftButton)
    k.qtbot.wait(ms)
    k.qtbot.mouseRelease(k.window.kiosk_label, Qt.MouseButton.LeftButton)


def sign_in(k, staff_id: str, password: str) -> None:
    k.type_digits(staff_id)
    k.tap("next")
    k.type_digits(password)
    k.tap("confirm")


def text(k, key: str, **params) -> str:
    return k.kiosk.catalog.text(key, **params)


def supply_line(k, device: str, supply: str, value: object) -> str:
    return text(
        k,
        "supervisor.panel.supply_line",
        device=text(k, f"supervisor.device.{device}"),
        supply=text(k, f"supervisor.supply.{supply}"),
        value=value,
    )


def supervisor_steps(k) -> list[tuple[str, dict]]:
    return [(e.step, e.data) for e in k.journal.entries() if e.flow == "supervisor"]


def test_staff_sign_in_and_look_after_the_kiosk(kiosk_app):
    k = kiosk_app
    hold_kiosk_number(k, 1000)  # a short touch is nothing
    assert k.window.current_screen() == "attract"
    hold_kiosk_number(k)
    k.sees_message("supervisor.sign_in")
    sign_in(k, "800103", "246802")  # a teller may not enter supervisor mode
    k.sees_message("backend.declined.staff_not_permitted")
    sign_in(k, "800102", "913579")
    k.sees_message("supervisor.title", staff="800102")
    k.sees_message("supervisor.device.card_dispenser")
    assert text(k, "supervisor.state.online") in k.screen_text()

    k.window.supervisor.show_tab("supplies")
    k.type_digits("120")
    k.tap("refill_cards")
    assert k.devices.card_dispenser.stock() == 120
    assert k.window.supervisor.current_tab() == "supplies"
    k.sees(supply_line(k, "card_dispenser", "cards", 120))
    k.sees(supply_line(k, "printer", "paper", text(k, "supervisor.level.ok")))  # words, not "ok"

    k.window.supervisor.show_tab("service")
    k.tap("service_toggle")
    assert not k.kiosk.in_service
    k.window.supervisor.show_tab("journal")
    k.sees("out_of_service")  # the journal tab lists the action just taken
    k.tap("sign_out")
    k.sees_message("ui.out_of_service.title")
    k.qtbot.mouseClick(k.window.attract, Qt.MouseButton.LeftButton)
    assert k.window.current_screen() == "attract"  # touches do nothing while out of service

    steps = supervisor_steps(k)
    names = [step for step, _data in steps]
    for action in ("sign_in", "refill_cards", "out_of_service", "sign_out"):
        assert action in names
    assert all(data.get("staff_id") == "800102" for step, data in steps if step != "sign_in")


def test_quitting_needs_the_exit_code_tried_at_most_three_times(kiosk_app, monkeypatch):
    k = kiosk_app
    quits = []
    # Stand-in for ending the test process's event loop, which pytest-qt still needs.
    monkeypatch.setattr(QApplication, "quit", lambda *_: quits.append(True))
    k.window.open_supervisor()
    sign_in(k, "800102", "913579")
    k.sees_message("supervisor.title", staff="800102")
    for _try in range(2):
        k.window.supervisor.show_tab("service")
        k.type_digits("12")
        k.tap("exit_app")
        k.sees_message("supervisor.error.exit_code")
    k.type_digits("13")
    k.tap("exit_app")  # the third wrong code: signed out, back to the sign-in
    k.sees_message("supervisor.error.exit_tries")
    assert not k.window.supervisor.supervisor.signed_in and not quits
    sign_in(k, "800102", "913579")
    k.sees_message("supervisor.title", staff="800102")
    k.window.supervisor.show_tab("service")
    k.type_digits("98")
    k.tap("exit_app")
    assert quits and k.window._may_close
    names = [step for step, _data in supervisor_steps(k)]
    assert names.count("exit_refused") == 3 and "exit" in names


def test_supervisor_mode_waits_for_the_customer(kiosk_app):
    k = kiosk_app
    k.start("guide")
    hold_kiosk_number(k)
    assert k.window.current_screen() == "step"


def _outside(window, widget) -> bool:
    """Whether a shown widget reaches beyond the 1920x1080 window."""
    corner = widget.mapTo(window, QPoint(0, 0))
    return not QRect(0, 0, 1920, 1080).contains(QRect(corner, widget.size()))


def test_the_panel_fits_1080p_in_every_language_and_theme(kiosk_app):
    k = kiosk_app
    screen = k.window.supervisor
    too_big = []
    for care in (False, True):
        for language in k.kiosk.languages:
            k.kiosk.set_care_mode(care)
            k.kiosk.set_language(language)
            k.window.open_supervisor()
            screen.supervisor.sign_in("800102", "913579")
            pages = [("sign_in", None)] + [(name, name) for name in TABS]
            for page, tab in pages:
                screen.show_sign_in() if tab is None else screen.show_dashboard(tab)
                QApplication.sendPostedEvents()
                QApplication.processEvents()
                bar = k.window.centralWidget().layout().itemAt(0).widget()
                height = bar.sizeHint().height() + screen.minimumSizeHint().height()
                width = max(bar.minimumSizeHint().width(), screen.minimumSizeHint().width())
                # buttons outside a scrolling list must be on screen, whole
                cut = [
                    b.objectName()
                    for b in screen.findChildren(QPushButton)
                    if b.isVisible() and not _scrolled(b) and _outside(k.window, b)
                ]
                if height > 1080 or width > 1920 or cut:
                    too_big.append(f"{language} care={care} {page}: {width}x{height} {cut}")
            screen.leave()
    assert too_big == [], "\n".join(too_big)


def _scrolled(widget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def test_staff_are_signed_out_when_idle_and_before_any_customer(build_kiosk, config, qtbot):
    config.supervisor.idle_sign_out_s = 0.5
    window, _runner = build_kiosk()
    screen = window.supervisor
    window.open_supervisor()
    screen.supervisor.sign_in("800102", "913579")
    screen.show_dashboard()
    qtbot.waitUntil(lambda: window.current_screen() == "attract", timeout=10_000)
    assert not screen.supervisor.signed_in
    journal = window.engine.services.journal
    assert any(e.step == "sign_out" and e.data["why"] == "idle" for e in journal.entries())

    config.supervisor.idle_sign_out_s = 120
    for leave_to in (window.show_home, window.show_attract):
        window.open_supervisor()
        screen.supervisor.sign_in("800102", "913579")
        screen.show_dashboard()
        leave_to()  # however the screen is left, staff are signed out first
        assert not screen.supervisor.signed_in


def test_five_wrong_passwords_lock_the_staff_number_at_the_bank(kiosk_app):
    k = kiosk_app
    k.window.open_supervisor()
    for _try in range(4):
        sign_in(k, "800102", "000000")
        k.sees_message("backend.declined.staff_refused")
        k.window.supervisor.message.clear()
    sign_in(k, "800102", "000000")
    locked = text(k, "backend.declined.staff_locked", minutes=15)
    k.sees(locked)
    k.window.supervisor.message.clear()
    sign_in(k, "800102", "913579")  # the right password no longer helps: locked here too
    k.sees_message("supervisor.error.locked", minutes=15)
    assert not k.window.supervisor.supervisor.signed_in
    sign_in(k, "800101", "802468")  # another staff number is not locked: its password is
    k.sees_message("backend.declined.staff_not_permitted")  # right (a lobby manager, though)


def _bank_count(window, staff_id: str) -> int:
    """The wrong passwords the bank holds for `staff_id` (0 once it locked or forgot them)."""
    with window.kiosk.sandbox.database.transaction() as tx:
        row = tx.one("SELECT failures FROM staff_failures WHERE staff_id = ?", staff_id)
    return row["failures"] if row else 0


def _bank_forgets(window, staff_id: str) -> None:
    """What a bank without a lockout of its own does: keeps no count, holds no lock."""
    with window.kiosk.sandbox.database.transaction() as tx:
        tx.run("DELETE FROM staff_failures WHERE staff_id = ?", staff_id)


def test_the_kiosk_locks_after_five_wrong_passwords_itself(build_kiosk, config, qtbot):
    """A bank without a lockout: the kiosk counts on its own (default 5) and stops sending."""
    assert config.supervisor.sign_in_tries == 5  # the default, as the bank's
    window, _runner = build_kiosk()
    supervisor = window.supervisor.supervisor
    window.open_supervisor()
    for tries in range(1, 5):
        with pytest.raises(Declined) as declined:
            supervisor.sign_in("800102", "111111")
        assert declined.value.reason_code == "staff_refused"
        _bank_forgets(window, "800102")
        assert (supervisor.wrong_passwords("800102"), _bank_count(window, "800102")) == (tries, 0)
    with pytest.raises(SupervisorRefused) as refused:  # the fifth: the kiosk's own lock
        supervisor.sign_in("800102", "111111")
    assert refused.value.message_key == "supervisor.error.locked"
    assert refused.value.params == {"minutes": 15}
    assert _bank_count(window, "800102") == 1  # the bank saw one wrong password, locks nothing
    with pytest.raises(SupervisorRefused) as refused:  # now even the right password
        supervisor.sign_in("800102", "913579")
    assert refused.value.message_key == "supervisor.error.locked"
    assert not supervisor.signed_in
    journal = window.engine.services.journal
    sent = [e for e in journal.entries() if e.kind == "intent" and e.step == "sign_in"]
    assert len(sent) == 5  # the sixth never reached the bank ...
    backend = window.engine.services.backend
    # ... which would have said yes to it
    assert (
        backend.authorise_by_staff(
            "800102", "913579", "supervisor_mode", idempotency_key=new_idempotency_key()
        ).staff_id
        == "800102"
    )
    with pytest.raises(Declined):  # another staff number has its own count, at one
        supervisor.sign_in("800101", "111111")
    assert supervisor.wrong_passwords("800101") == 1


def test_when_both_lock_on_the_fifth_the_kiosk_holds_its_lock_if_the_bank_lifts_its_own(
    build_kiosk, config, qtbot
):
    """The bank and the kiosk both count to 5: staff read the bank's words once, and the kiosk
    keeps its own lock even when the bank's is lifted early (a clerk at the bank unlocks)."""
    window, _runner = build_kiosk()
    supervisor = window.supervisor.supervisor
    window.open_supervisor()
    for _try in range(4):
        with pytest.raises(Declined):
            supervisor.sign_in("800102", "111111")
    assert (supervisor.wrong_passwords("800102"), _bank_count(window, "800102")) == (4, 4)
    with pytest.raises(Declined) as declined:
        supervisor.sign_in("800102", "111111")
    assert declined.value.reason_code == "staff_locked"  # the bank's words, not two messages
    _bank_forgets(window, "800102")  # unlocked at the bank
    with pytest.raises(SupervisorRefused) as refused:
        supervisor.sign_in("800102", "913579")
    assert refused.value.message_key == "supervisor.error.locked"
    assert not supervisor.signed_in


def test_a_sign_in_forgets_the_wrong_passwords_before_it(build_kiosk, config, qtbot):
    config.supervisor.sign_in_tries = 2  # configurable: a stricter kiosk than its bank
    window, _runner = build_kiosk()
    supervisor = window.supervisor.supervisor
    window.open_supervisor()
    with pytest.raises(Declined):
        supervisor.sign_in("800102", "111111")
    supervisor.sign_in("800102", "913579")
    supervisor.sign_out()
    assert supervisor.wrong_passwords("800102") == 0
    with pytest.raises(Declined):  # one wrong again is one, not two
        supervisor.sign_in("800102", "111111")
    with pytest.raises(SupervisorRefused):  # the second locks
        supervisor.sign_in("800102", "111111")


def _visit_guide(k, *choices: str) -> None:
    k.start("guide")
    for choice in choices:
        k.tap(f"choice_{choice}")
    if choices[-1] != "done":
        k.wait_until(lambda: not k.engine.busy)  # the answer is taken before walking away
        k.tap("cancel")
        if k.buttons("cancel_yes"):
            k.tap("cancel_yes")
    k.wait_for_screen("attract")


def test_figures_last_across_a_restart_and_export_to_csv(make_kiosk, tmp_path):
    k = make_kiosk()
    _visit_guide(k, "cash", "small", "done")  # completed at the kiosk
    _visit_guide(k, "cash", "large", "done")  # sent to the cash counter
    _visit_guide(k, "cash")  # walked away at the amount question
    _visit_guide(k, "lost_card", "yes", "done")  # sent to the card counter
    k.window.allow_close()
    k.window.close()
    k.kiosk.close()

    k = make_kiosk()  # the kiosk starts again on the same data directory
    window = k.window
    store = window.engine.services.figures.store
    today = window.engine.services.figures.today
    guide = store.flows(today)["guide"]
    assert (guide.started, guide.completed, guide.referred) == (4, 1, 2)
    assert dict(guide.abandoned_at) == {"cash_amount": 1}
    assert len(guide.seconds) == 1 and guide.completion_rate == 0.25

    screen = window.supervisor
    window.open_supervisor()
    screen.supervisor.sign_in("800102", "913579")
    screen.show_dashboard("figures")
    shown = "\n".join(w.text() for w in screen.tabs.currentWidget().findChildren(QLabel))
    assert (
        text(k, "supervisor.panel.today", started=4, completed=1, referred=2, abandoned=1) in shown
    )
    took = text(k, "supervisor.panel.seconds_value", seconds=round(guide.seconds[0]))
    assert text(k, "supervisor.panel.handling_today", median=took, p90=took) in shown
    screen.export_csv(str(tmp_path))
    with Path(tmp_path, f"figures-{today.isoformat()}.csv").open() as exported:
        rows = list(csv.DictReader(exported))
    today_rows = [r for r in rows if r["day"] == today.isoformat() and r["flow"] == "guide"]
    assert len(today_rows) == 1
    row = today_rows[0]
    assert (row["started"], row["completed"], row["referred"], row["abandoned"]) == (
        "4", "1", "2", "1",
    )  # fmt: skip
    assert row["abandoned_at"] == "cash_amount=1" and row["completion_rate"] == "0.250"


def test_no_counter_tickets_is_no_share_rather_than_all_of_it(build_kiosk, config, qtbot):
    """The bank counted no counter tickets today: the kiosk did not take 100% of the business."""
    window, _runner = build_kiosk()
    figures, catalog = window.engine.services.figures, window.kiosk.catalog
    figures.store.visit(figures.today, "bill_payment", "completed", "rating", 60.0)
    figures.store.visit(figures.today, "bill_payment", "abandoned", "biller", 20.0)
    figures.store.error(figures.today, "bill_payment", "backend.declined.pin_wrong")
    figures.store.counter_tickets(figures.today, 0)
    screen = window.supervisor
    window.open_supervisor()
    screen.supervisor.sign_in("800102", "913579")
    screen.show_dashboard("figures")
    shown = [w.text() for w in screen.tabs.currentWidget().findChildren(QLabel)]
    no_share = catalog.text(
        "supervisor.panel.share",
        tickets=0,
        share=catalog.text("supervisor.panel.no_counter_figures"),
    )
    assert no_share in shown and not any("100%" in line for line in shown)
    bill = catalog.text("supervisor.flow.bill_payment")  # where and why, beside the funnel
    assert f"{bill} · {catalog.text('bill_payment.biller.title')}" in shown
    assert f"{bill} · {words(catalog, 'backend.declined.pin_wrong')}" in shown

    figures.store.counter_tickets(figures.today, 3)  # with counter figures, a share again
    screen.show_dashboard("figures")
    shown = [w.text() for w in screen.tabs.currentWidget().findChildren(QLabel)]
    assert catalog.text("supervisor.panel.share", tickets=3, share="25%") in shown


def test_the_heartbeat_tells_the_bank_the_days_figures(make_kiosk, config):
    config.backend.heartbeat_s = 0.5
    k = make_kiosk()
    _visit_guide(k, "cash", "small", "done")
    with k.sandbox.database.transaction() as tx:
        tx.run("DELETE FROM heartbeats")  # only beats sent after the visit count

    def figures_at_the_bank() -> dict:
        with k.sandbox.database.transaction() as tx:
            row = tx.one("SELECT body FROM heartbeats WHERE kiosk_id = ?", k.kiosk.config.kiosk.id)
        return json.loads(row["body"])["figures"] if row else {}

    k.wait_until(lambda: figures_at_the_bank().get("guide.completed") == 1)
    assert figures_at_the_bank()["guide.started"] == 1
    # and the bank's count of counter tickets came back for the share
    store, today = k.services.figures.store, k.services.figures.today
    assert store.counter_count(today) is not None


def test_the_device_list_says_every_state_in_words_and_what_voice_cannot_do(kiosk_app):
    k = kiosk_app
    k.devices.printer.inject("jam")  # the printer's last problem shows beside it
    with pytest.raises(PaperJammed):
        k.devices.printer.print_receipt(Receipt("回单", "J-0001", lines=()))
    k.kiosk.set_care_mode(True)  # no speech model for Chinese here: voice input is off
    assert k.window.voice_screen.device_notices == ["voice.notice.no_model"]
    k.window.open_supervisor()
    sign_in(k, "800102", "913579")
    k.sees_message("supervisor.title", staff="800102")
    k.sees_message("supervisor.device.voice")
    k.sees_message("voice.notice.no_model")
    k.sees_message(k.devices.printer.status().message_key)
    k.window.supervisor.show_tab("journal")
    k.sees_message("supervisor.journal.kind.intent")
    k.sees_message("supervisor.journal.outcome.done")
    k.sees_message("supervisor.flow.supervisor")
