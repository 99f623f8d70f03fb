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
