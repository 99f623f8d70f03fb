"""The client against the real sandbox over loopback HTTP: typed errors for every way a line
fails."""

import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from hardware.pinpad.iso9564 import encode_pin_block
from kiosk.backend import (
    BackendUnavailable,
    CoreBankingClient,
    Declined,
    InvalidResponse,
    KioskNotAuthorised,
    OutcomeUnknown,
    RequestRefused,
    new_idempotency_key,
)
from kiosk.sandbox import SANDBOX_KIOSK_TOKEN, start_sandbox

PAN = "6228480012345678010"


def _card_token(client):
    verified = client.verify_card_pin(
        PAN, encode_pin_block("147258", PAN), idempotency_key=new_idempotency_key()
    )
    return verified.card_token


def _payments(sandbox):
    with sandbox.database.transaction() as tx:
        return tx.all("SELECT * FROM payments WHERE bill_number = '1001234567'")


def test_same_key_same_body_replays_the_first_answer_and_pays_once(sandbox, client):
    token, key = _card_token(client), new_idempotency_key()
    first = client.pay_bill("water", "1001234567", 8650, token, idempotency_key=key)
    again = client.pay_bill("water", "1001234567", 8650, token, idempotency_key=key)
    assert again == first
    assert len(_payments(sandbox)) == 1


def test_a_decline_is_replayed_too(client):
    key = new_idempotency_key()
    wrong = encode_pin_block("000000", PAN)
    with pytest.raises(Declined) as first:
        client.verify_card_pin(PAN, wrong, idempotency_key=key)
    with pytest.raises(Declined) as again:
        client.verify_card_pin(PAN, wrong, idempotency_key=key)
    # a replay does not count as a second wrong try
    assert first.value.params == again.value.params == {"tries_left": 2}
    assert first.value.message_key == "backend.declined.pin_wrong"


def test_same_key_with_another_body_is_refused(client):
    token, key = _card_token(client), new_idempotency_key()
    client.pay_bill("water", "1001234567", 8650, token, idempotency_key=key)
    with pytest.raises(RequestRefused):
        client.pay_bill("electricity", "2002345678", 21308, token, idempotency_key=key)


def test_wrong_kiosk_token_is_not_authorised(sandbox):
    intruder = CoreBankingClient(sandbox.url, "STM-0101-01", "guessed")
    with pytest.raises(KioskNotAuthorised) as caught:
        intruder.list_billers()
    assert caught.value.message_key == "backend.error.kiosk_not_authorised"


def test_nothing_listening_is_backend_unavailable_after_retries():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the call: connection refused
    client = CoreBankingClient(f"http://127.0.0.1:{port}", "STM-0101-01", "t", backoff_s=0.01)
    with pytest.raises(BackendUnavailable):
        client.list_billers()
    # refused before sending: even a payment is safe to call unavailable (nothing was sent)
    with pytest.raises(BackendUnavailable):
        client.pay_bill("water", "1001234567", 8650, "x" * 20, idempotency_key="k" * 16)


def test_dropped_line_after_commit_is_an_unknown_outcome(sandbox, client):
    token, key = _card_token(client), new_idempotency_key()
    sandbox.arm_fault("pay_bill", "drop_after_commit")
    with pytest.raises(OutcomeUnknown) as caught:
        client.pay_bill("water", "1001234567", 8650, token, idempotency_key=key)
    assert caught.value.idempotency_key == key
    assert len(_payments(sandbox)) == 1  # the bank did pay
    record = client.look_up_transaction(key)
    assert (record.outcome, record.operation) == ("done", "payBill")


def test_dropped_line_on_a_read_is_retried(sandbox, client):
    sandbox.arm_fault("list_billers", "drop_before_commit")
    assert len(client.list_billers()) == 5


@pytest.mark.parametrize("fault", ["garbage", "wrong_shape"])
def test_unreadable_answers_are_invalid_response(sandbox, client, fault):
    sandbox.arm_fault("look_up_bill", fault)
    with pytest.raises(InvalidResponse):
        client.look_up_bill("water", "1001234567")
    sandbox.arm_fault("pay_bill", fault)
    key = new_idempotency_key()
    with pytest.raises(InvalidResponse) as caught:
        client.pay_bill("water", "1001234567", 8650, _card_token(client), idempotency_key=key)
    assert caught.value.idempotency_key == key  # the journal keeps it open for reconciling


def test_server_error_on_a_payment_is_unknown_and_on_a_read_unavailable(sandbox, client):
    sandbox.arm_fault("pay_bill", "500")
    with pytest.raises(OutcomeUnknown):
        client.pay_bill(
            "water", "1001234567", 8650, _card_token(client), idempotency_key=new_idempotency_key()
        )
    sandbox.arm_fault("look_up_bill", "500")
    with pytest.raises(BackendUnavailable):
        client.look_up_bill("water", "1001234567")


def test_503_says_nothing_was_done(sandbox, client):
    sandbox.arm_fault("call_staff", "503")
    with pytest.raises(BackendUnavailable):
        client.call_staff("customer_help", idempotency_key=new_idempotency_key())


def test_slow_answer_on_a_payment_is_unknown_and_reads_give_up_as_unavailable(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="kiosk.sandbox.server")
    slow = CoreBankingClient(
        sandbox.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, timeout=0.3, retries=1, backoff_s=0.01
    )
    token = _card_token(slow)
    sandbox.arm_fault("pay_bill", "delay", delay_s=1.0)
    with pytest.raises(OutcomeUnknown):
        slow.pay_bill("water", "1001234567", 8650, token, idempotency_key=new_idempotency_key())
    # the bank side: the answer nobody waited for is a line in its log, not a traceback
    deadline = time.monotonic() + 5
    while "hung up before the answer" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "POST /v1/bill-payments: the client hung up" in caplog.text
    sandbox.arm_fault("list_billers", "delay", count=2, delay_s=1.0)
    with pytest.raises(BackendUnavailable):
        slow.list_billers()


def test_the_fault_hook_needs_its_token_and_bounded_values():
    with start_sandbox(fault_token="fault-admin") as bank:
        hook = f"{bank.url}/_sandbox/faults"
        admin = {"Authorization": "Bearer fault-admin"}
        order = {"operation": "list_billers", "fault": "503", "count": 3}
        assert requests.post(hook, json=order, timeout=5).status_code == 401
        kiosk_token = {"Authorization": f"Bearer {SANDBOX_KIOSK_TOKEN}"}
        assert requests.post(hook, json=order, headers=kiosk_token, timeout=5).status_code == 401
        for bad in ({"count": 10**9}, {"count": 0}, {"delay_s": 1e9}, {"delay_s": "nan"}):
            refused = requests.post(hook, json=order | bad, headers=admin, timeout=5)
            assert refused.status_code == 400, bad
        nope = {"operation": "nope", "fault": "503"}
        assert requests.post(hook, json=nope, headers=admin, timeout=5).status_code == 400
        assert requests.post(hook, json=order, headers=admin, timeout=5).status_code == 200
        client = CoreBankingClient(bank.url, "STM-0101-01", SANDBOX_KIOSK_TOKEN, retries=0)
        with pytest.raises(BackendUnavailable):
            client.list_billers()
        client.close()


def test_without_a_fault_token_there_is_no_fault_hook(sandbox):
    order = {"operation": "list_billers", "fault": "503"}
    assert requests.post(f"{sandbox.url}/_sandbox/faults", json=order, timeout=5).status_code == 404


def test_a_state_changing_call_without_key_is_a_programming_error(client):
    with pytest.raises(ValueError):
        client.call_staff("customer_help", idempotency_key="")


def test_the_same_key_sent_twice_at_once_pays_once(sandbox, client):
    token, key = _card_token(client), new_idempotency_key()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(
                lambda _: client.pay_bill("water", "1001234567", 8650, token, idempotency_key=key),
                range(4),
            )
        )
    assert len({a.reference for a in answers}) == 1
    assert len(_payments(sandbox)) == 1
