"""Every contract operation against the sandbox bank, with the demo people of docs/demo-data.md."""

import base64
import logging
import re
from datetime import date

import pytest
from skimage import data as skdata

from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.backend import CoreBankingClient, Declined
from kiosk.backend import new_idempotency_key as key
from kiosk.backend.models import DeviceStatus
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN, start_sandbox

WANG_PAN, JIN_PAN, LI_PAN, CHEN_PAN = (f"62284800123456780{n}" for n in ("10", "28", "36", "44"))
ZHAO_ID, WANG_ID, JIN_ID, CHEN_ID = (
    "320102199403250527",
    "110105198805120237",
    "222401195003080469",
    "440305199207150382",
)


@pytest.fixture(scope="module")
def face_jpeg_b64():
    import cv2

    ok, jpeg = cv2.imencode(".jpg", skdata.astronaut()[:, :, ::-1])
    assert ok
    return base64.b64encode(jpeg.tobytes()).decode()


def _verified_phone(client, phone, code="246810"):
    sent = client.send_otp(phone, "account_opening", idempotency_key=key())
    client.verify_otp(sent.otp_id, code, idempotency_key=key())
    return sent.otp_id


def _open(client, face, id_number, name, phone, account_class="II", product="e_account", **extra):
    identity = client.verify_identity(id_number, name, face, idempotency_key=key())
    return client.open_account(
        verification_id=identity.verification_id,
        otp_id=_verified_phone(client, phone),
        id_number=id_number,
        name=name,
        phone=phone,
        address="北京市东城区示范路2号",
        account_class=account_class,
        product=product,
        idempotency_key=key(),
        **extra,
    )


def _declined(call, *args, **kwargs) -> Declined:
    with pytest.raises(Declined) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_card_without_a_pin_block_needs_a_pin_set_at_opening(client, face_jpeg_b64):
    opened = _open(client, face_jpeg_b64, ZHAO_ID, "赵丽", "13500135000", "II", "standard_debit")
    refused = _declined(
        client.issue_card, opened.account_number, "CS-NEW-0002", None, idempotency_key=key()
    )
    assert refused.reason_code == "pin_required"  # no PIN was set when it was opened


def test_new_customer_opens_an_account_gets_a_card_and_pays_with_it(sandbox, client, face_jpeg_b64):
    identity = client.verify_identity(ZHAO_ID, "赵丽", face_jpeg_b64, idempotency_key=key())
    assert identity.customer_id is None and identity.age >= 30
    opened = _open(client, face_jpeg_b64, ZHAO_ID, "赵丽", "13500135000", "I", "standard_debit")
    assert opened.account_class == "I"
    card = client.issue_card(
        opened.account_number,
        "CS-NEW-0001",
        encode_pin_block("135790", opened.account_number),
        idempotency_key=key(),
    )
    assert re.fullmatch(r"622848\*+\d{4}", card.pan_masked) and card.last4 in card.pan_masked
    with sandbox.database.transaction() as tx:
        pan = tx.one("SELECT pan FROM cards WHERE card_serial = 'CS-NEW-0001'")["pan"]
    # the PIN set under the account number now works with the card's own number
    verified = client.verify_card_pin(pan, encode_pin_block("135790", pan), idempotency_key=key())
    assert verified.customer_id == opened.customer_id
    assert (
        _declined(
            client.pay_bill, "water", "1001234567", 8650, verified.card_token, idempotency_key=key()
        ).reason_code
        == "insufficient_funds"
    )


def test_sms_code_goes_to_the_log_and_works(client, caplog):
    with caplog.at_level(logging.WARNING, logger="kiosk.sandbox.bank"):
        sent = client.send_otp("13800138000", "bill_payment", idempotency_key=key())
    code = re.search(r"138\*\*\*\*8000: your code is (\d{6})", caplog.text).group(1)
    assert sent.phone_masked == "138****8000"
    assert client.verify_otp(sent.otp_id, code, idempotency_key=key()).verified


def test_wrong_sms_code_counts_down_then_is_refused(client):
    sent = client.send_otp("13800138000", "bill_payment", idempotency_key=key())
    wrong = [
        _declined(client.verify_otp, sent.otp_id, "000000", idempotency_key=key()) for _ in range(3)
    ]
    assert [w.reason_code for w in wrong] == ["otp_wrong", "otp_wrong", "otp_tries_exceeded"]
    assert wrong[0].params == {"tries_left": 2}


def test_a_new_sms_code_waits_a_minute_and_a_phone_gets_five_a_day(sandbox, client):
    sent = client.send_otp("13800138000", "account_opening", idempotency_key=key())
    assert (sent.resend_after_s, sent.sends_left) == (60, 4)
    too_soon = _declined(client.send_otp, "13800138000", "account_opening", idempotency_key=key())
    assert too_soon.reason_code == "otp_resend_too_soon" and 0 < too_soon.params["seconds"] <= 60
    assert client.send_otp("13900139000", "account_opening", idempotency_key=key()).sends_left == 4
    left = []
    for _ in range(4):
        with sandbox.database.transaction() as tx:  # a minute goes by at the bank
            tx.run("UPDATE otps SET expires_at = expires_at - 60")
        left.append(
            client.send_otp("13800138000", "bill_payment", idempotency_key=key()).sends_left
        )
    assert left == [3, 2, 1, 0]
    with sandbox.database.transaction() as tx:
        tx.run("UPDATE otps SET expires_at = expires_at - 60")
    limit = _declined(client.send_otp, "13800138000", "bill_payment", idempotency_key=key())
    assert limit.reason_code == "otp_send_limit"


@pytest.mark.parametrize(
    "id_number, name, reason",
    [
        (CHEN_ID, "陈静", "id_reported_lost"),
        (WANG_ID, "王大明", "name_mismatch"),
        ("110105198805120238", "王小明", "id_number_invalid"),
    ],
)
def test_identity_rejections(client, face_jpeg_b64, id_number, name, reason):
    assert (
        _declined(
            client.verify_identity, id_number, name, face_jpeg_b64, idempotency_key=key()
        ).reason_code
        == reason
    )


def test_a_photo_that_is_no_picture_is_rejected(client):
    not_a_photo = base64.b64encode(b"just some text, no camera here").decode()
    assert (
        _declined(
            client.verify_identity, WANG_ID, "王小明", not_a_photo, idempotency_key=key()
        ).reason_code
        == "face_photo_unusable"
    )


def test_one_class_i_account_per_person(client, face_jpeg_b64):
    assert (
        _declined(
            _open, client, face_jpeg_b64, WANG_ID, "王小明", "13800138000", "I", "standard_debit"
        ).reason_code
        == "class_i_account_exists"
    )
    assert _open(client, face_jpeg_b64, WANG_ID, "王小明", "13800138000").account_class == "II"


def test_senior_needs_staff_authorisation_and_a_teller_may_not_give_it(client, face_jpeg_b64):
    assert (
        _declined(
            _open,
            client,
            face_jpeg_b64,
            JIN_ID,
            "金顺姬",
            "13900139000",
        ).reason_code
        == "staff_authorisation_required"
    )
    assert (
        _declined(
            client.authorise_by_staff, "800103", "246802", "account_opening", idempotency_key=key()
        ).reason_code
        == "staff_not_permitted"
    )
    assert (
        _declined(
            client.authorise_by_staff, "800101", "000000", "account_opening", idempotency_key=key()
        ).reason_code
        == "staff_refused"
    )
    assert (
        _declined(
            client.authorise_by_staff, "800104", "135791", "account_opening", idempotency_key=key()
        ).reason_code
        == "staff_refused"
    )  # left the bank
    staff = client.authorise_by_staff("800101", "802468", "account_opening", idempotency_key=key())
    assert (staff.staff_name, staff.role) == ("周敏", "lobby_manager")
    opened = _open(
        client,
        face_jpeg_b64,
        JIN_ID,
        "金顺姬",
        "13900139000",
        product="senior_debit",
        staff_authorisation_id=staff.authorisation_id,
    )
    assert opened.product == "senior_debit"


def test_three_wrong_pins_lock_the_card(client):
    reasons = [
        _declined(
            client.verify_card_pin,
            WANG_PAN,
            encode_pin_block("111111", WANG_PAN),
            idempotency_key=key(),
        ).reason_code
        for _ in range(3)
    ]
    assert reasons == ["pin_wrong", "pin_wrong", "card_locked"]
    assert (
        _declined(
            client.verify_card_pin,
            WANG_PAN,
            encode_pin_block("147258", WANG_PAN),
            idempotency_key=key(),
        ).reason_code
        == "card_locked"
    )


def test_frozen_card_and_a_block_under_another_key(client):
    assert (
        _declined(
            client.verify_card_pin,
            CHEN_PAN,
            encode_pin_block("741852", CHEN_PAN),
            idempotency_key=key(),
        ).reason_code
        == "card_frozen"
    )
    assert _declined(
        client.verify_card_pin,
        LI_PAN,
        encode_pin_block("369147", LI_PAN, key=bytes(16)),
        idempotency_key=key(),
    ).reason_code in ("pin_block_invalid", "pin_wrong")


def test_vip_and_senior_cards_carry_their_priority(client):
    vip = client.verify_card_pin(LI_PAN, encode_pin_block("369147", LI_PAN), idempotency_key=key())
    senior = client.verify_card_pin(
        JIN_PAN, encode_pin_block("258369", JIN_PAN), idempotency_key=key()
    )
    assert (vip.priority, senior.priority) == ("vip", "senior")
    assert vip.customer_name_masked == "李*"


def test_bills_look_up_pay_and_refuse_twice(client):
    assert [b.biller_id for b in client.list_billers()] == [
        "electricity",
        "gas",
        "phone",
        "property",
        "water",
    ]
    bill = client.look_up_bill("phone", "13800138000")
    assert (bill.amount_due_fen, bill.status, bill.holder_masked) == (12800, "due", "王**")
    assert client.look_up_bill("water", "1009999999").status == "paid"
    assert _declined(client.look_up_bill, "water", "0000000000").reason_code == "bill_not_found"
    assert _declined(client.look_up_bill, "cable", "1001234567").reason_code == "biller_unknown"
    token = client.verify_card_pin(
        WANG_PAN, encode_pin_block("147258", WANG_PAN), idempotency_key=key()
    ).card_token
    mismatch = _declined(client.pay_bill, "phone", "13800138000", 100, token, idempotency_key=key())
    assert (mismatch.reason_code, mismatch.params) == ("amount_mismatch", {"amount_due": "128.00"})
    paid = client.pay_bill("phone", "13800138000", 12800, token, idempotency_key=key())
    assert paid.status == "done" and paid.reference
    assert client.look_up_bill("phone", "13800138000").status == "paid"
    assert (
        _declined(
            client.pay_bill, "phone", "13800138000", 12800, token, idempotency_key=key()
        ).reason_code
        == "bill_already_paid"
    )
    assert (
        _declined(
            client.pay_bill,
            "water",
            "1001234567",
            8650,
            "not-a-real-token-xyz",
            idempotency_key=key(),
        ).reason_code
        == "card_token_expired"
    )


def test_appointments_found_three_ways_and_checked_in_once(client):
    by_qr = client.find_appointments(qr_token="APT-2M8X4R")
    by_phone = client.find_appointments(phone="13900139000", booking_code="5678")
    by_id = client.find_appointments(id_number=JIN_ID)
    assert by_qr == by_phone == by_id and by_qr[0].priority == "senior"
    assert by_qr[0].timing == "on_time"
    checked = client.check_in("APT-2M8X4R", idempotency_key=key())
    assert checked.ticket.ticket_number == "C001" and checked.appointment.status == "checked_in"
    assert (
        _declined(client.check_in, "APT-2M8X4R", idempotency_key=key()).reason_code
        == "appointment_already_checked_in"
    )
    assert client.find_appointments(phone="13800138000", booking_code="0000") == []


def test_a_checked_in_ticket_is_printed_again_with_its_number(client):
    assert (
        _declined(client.reprint_check_in_ticket, "APT-2M8X4R").reason_code
        == "appointment_not_checked_in"
    )
    checked = client.check_in("APT-2M8X4R", idempotency_key=key())
    client.take_queue_ticket("general", "C1003", idempotency_key=key())  # a VIP came after
    again = client.reprint_check_in_ticket("APT-2M8X4R")
    assert (again.ticket_number, again.reference, again.priority) == (
        checked.ticket.ticket_number,
        checked.ticket.reference,
        "senior",
    )
    assert again.people_ahead == checked.ticket.people_ahead  # the VIP is behind, not ahead
    assert _declined(client.reprint_check_in_ticket, "APT-NOPE00").reason_code == (
        "appointment_not_found"
    )


@pytest.mark.parametrize(
    "token, reason",
    [
        ("APT-LATE77", "appointment_late"),
        ("APT-EARLY1", "appointment_early"),
        ("APT-NOPE00", "appointment_not_found"),
    ],
)
def test_late_and_early_appointments_are_offered_a_normal_ticket(client, token, reason):
    assert _declined(client.check_in, token, idempotency_key=key()).reason_code == reason


def test_queue_puts_priority_first_and_estimates_the_wait(client):
    first = client.take_queue_ticket("general", idempotency_key=key())
    second = client.take_queue_ticket("general", idempotency_key=key())
    vip = client.take_queue_ticket("general", "C1003", idempotency_key=key())
    senior = client.take_queue_ticket("general", "C1002", idempotency_key=key())
    assert [t.ticket_number for t in (first, second, vip, senior)] == [
        "A001",
        "A002",
        "V001",
        "C001",
    ]
    assert (second.people_ahead, second.estimated_wait_min) == (1, 4)
    assert (vip.priority, vip.people_ahead) == ("vip", 0)
    assert (senior.priority, senior.people_ahead) == ("senior", 1)
    assert client.take_queue_ticket("general", idempotency_key=key()).people_ahead == 4


def test_a_counter_ticket_carries_why_the_guide_sent_the_customer(sandbox, client):
    ticket = client.take_queue_ticket("card_replacement", reason="lost_card", idempotency_key=key())
    assert ticket.reason == "lost_card" and ticket.service == "card_replacement"
    with sandbox.database.transaction() as tx:
        kept = tx.one("SELECT reason FROM ticket_details WHERE reference = ?", ticket.reference)
    assert kept == {"reason": "lost_card"}  # the teller sees it when they call the number
    assert client.take_queue_ticket("general", idempotency_key=key()).reason is None


def test_a_jammed_card_binding_is_reversed_and_its_serial_retired(sandbox, client, face_jpeg_b64):
    opened = _open(client, face_jpeg_b64, ZHAO_ID, "赵丽", "13500135000")
    issue_key = key()
    client.issue_card(
        opened.account_number,
        "CS-JAM-0001",
        encode_pin_block("135790", opened.account_number),
        idempotency_key=issue_key,
    )
    reversal = client.reverse_card_binding(issue_key, "card_not_dispensed", idempotency_key=key())
    assert (reversal.status, reversal.card_serial) == ("reversed", "CS-JAM-0001")
    assert client.look_up_transaction(issue_key).outcome == "reversed"
    # the account may get another card; the jammed serial stays out of use
    client.issue_card(
        opened.account_number,
        "CS-NEW-0002",
        encode_pin_block("135790", opened.account_number),
        idempotency_key=key(),
    )
    assert _declined(
        client.issue_card,
        opened.account_number,
        "CS-JAM-0001",
        encode_pin_block("1357", opened.account_number),
        idempotency_key=key(),
    ).reason_code in ("card_serial_in_use", "account_has_card")
    assert (
        _declined(
            client.reverse_card_binding, key(), "card_retained", idempotency_key=key()
        ).reason_code
        == "original_not_found"
    )


def test_heartbeat_staff_call_and_transaction_look_up(sandbox, client):
    ack = client.send_heartbeat(
        "in_service",
        [
            DeviceStatus("printer", "online", {"paper": "low"}),
            DeviceStatus("card_dispenser", "hardwareError", {"cards": 0}),
        ],
        {"transactions_today": 12},
    )
    assert ack.received_at
    with sandbox.database.transaction() as tx:
        assert (
            tx.one("SELECT state FROM heartbeats WHERE kiosk_id = 'STM-0101-01'")["state"]
            == "in_service"
        )
    call_key = key()
    call = client.call_staff("care_mode", "ko", idempotency_key=call_key)
    record = client.look_up_transaction(call_key)
    assert (record.outcome, record.reference) == ("done", call.reference)
    assert client.look_up_transaction(key()) is None


def test_a_sandbox_kept_from_yesterday_books_the_demo_appointments_again(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'branch.db'}"
    with start_sandbox(database_url=database_url) as server:
        bank = CoreBankingClient(server.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN)
        (booking,) = bank.find_appointments(qr_token="APT-7F3K9Q")
        bank.check_in(booking.appointment_id, idempotency_key=key())
        with server.database.transaction() as tx:  # the demo ran yesterday
            tx.run("UPDATE meta SET value = '2000-01-01' WHERE name = 'demo_day'")
            tx.run("UPDATE appointments SET scheduled_at = '2000-01-01T09:00:00+08:00'")
        bank.close()
    with start_sandbox(database_url=database_url) as server:
        bank = CoreBankingClient(server.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN)
        (booking,) = bank.find_appointments(qr_token="APT-7F3K9Q")
        assert (booking.status, booking.timing) == ("booked", "on_time")
        assert booking.scheduled_at.startswith(date.today().isoformat())
        bank.close()
