"""The guide on the whole kiosk: attract -> home -> guide -> result -> attract, with the real
sandbox and devices behind it."""


def test_guide_on_the_whole_kiosk(kiosk_app):
    k = kiosk_app
    k.start("guide")
    k.sees_message("guide.need.title")
    session = k.engine.session
    k.tap("choice_other")
    k.sees_message("guide.to_lobby_manager.title")
    k.tap("choice_done")
    k.wait_for_screen("attract")
    assert k.engine.session is None and session.is_empty


def test_call_staff_reaches_the_bank(kiosk_app):
    k = kiosk_app
    k.start("guide")
    k.tap("call_staff")
    k.sees_message("ui.staff.called")
    # the sandbox queues the call for the branch's staff
    k.wait_until(lambda: k.staff_calls() == ["customer_help"])


def test_the_simulator_panel_drives_the_simulated_devices(kiosk_app):
    k = kiosk_app
    k.tap("simulator")
    k.sees_message("simulator.id_card")
    k.tap("sim_id_jin")
    assert k.devices.id_card_reader.read(timeout=1).name == "金顺姬"
    k.tap("sim_face_on")
    assert k.devices.camera.face_present()
    k.tap("sim_code_3")
    assert k.devices.camera.scan_code(timeout=1) == "APPT:APT-7F3K9Q"


def test_a_face_in_front_of_the_camera_wakes_the_kiosk(kiosk_app):
    k = kiosk_app
    assert k.window.current_screen() == "attract"
    k.devices.camera.set_face(True)
    k.wait_for_screen("home", timeout_ms=5000)


def test_a_lost_card_comes_first_and_gets_a_counter_ticket_with_the_reason(kiosk_app):
    k = kiosk_app
    k.start("guide")
    k.wait_for_step("need")
    # the most asked-for needs lead, so a care-mode page of four holds them
    assert [c.id for c in k.engine.view.choices][:4] == [
        "bill_payment",
        "lost_card",
        "cash",
        "appointment_checkin",
    ]
    k.tap("choice_lost_card")
    k.tap("choice_yes")  # they have their ID card
    k.wait_for_step("to_card_counter")
    with k.sandbox.database.transaction() as tx:  # the bank took the ticket with the reason
        [kept] = tx.all(
            "SELECT t.ticket_number, d.reason FROM tickets t JOIN ticket_details d"
            " ON d.reference = t.reference"
        )
    assert kept["reason"] == "lost_card"
    k.sees(kept["ticket_number"])
    printed = "\n".join(k.devices.printer.printed[-1].rows)
    assert kept["ticket_number"] in printed
    assert k.window.catalog.text("guide.reason.lost_card")[:4] in printed


def test_no_id_card_is_given_the_configured_hotline(kiosk_app):
    k = kiosk_app
    k.services.config.bank.hotline = "95500"
    k.start("guide")
    k.tap("choice_lost_card")
    k.tap("choice_no")
    k.wait_for_step("report_by_phone")
    k.sees("95500")


def test_cash_beyond_the_machines_limit_is_sent_to_the_cash_counter(kiosk_app):
    k = kiosk_app
    k.services.config.bank.withdrawal_limit_yuan = 30_000
    k.start("guide")
    k.tap("choice_cash")
    k.sees("30,000")  # the configured limit, not a number written in the catalogs
    k.tap("choice_large")
    k.wait_for_step("to_cash_counter")
    assert k.journaled() == [("take_queue_ticket", "done")]
