"""The fault-injecting proxy the reliability tests put between a kiosk and its bank: it relays
whole HTTP requests and answers, and each armed fault breaks the next connection the way a
real line breaks (before the bank saw the request, after it answered, or slowly). A real HTTP
server stands behind it, and requests talks to it as the kiosk's client does."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from kiosk.sandbox.faulty_proxy import FaultyProxy


class Bank(ThreadingHTTPServer):
    """Echoes each POST's body and remembers what reached it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Echo)
        self.seen: list[tuple[bytes, str | None]] = []  # body, Connection header


class _Echo(BaseHTTPRequestHandler):
    server: Bank

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((body, self.headers.get("Connection")))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def bank():
    server = Bank()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(bank):
    line = FaultyProxy(bank.server_address[:2], slow_s=2.0)
    yield line
    line.stop()


def post(proxy: FaultyProxy, body: bytes, timeout: float = 10.0) -> requests.Response:
    return requests.post(proxy.url + "/pay", data=body, timeout=timeout)


def test_with_nothing_armed_requests_pass_through_whole(bank, proxy):
    big = bytes(range(256)) * 1024  # 256 KiB: more than one read on either side
    answer = post(proxy, big)
    assert answer.status_code == 200 and answer.content == big
    assert bank.seen == [(big, "close")]  # one request per connection


def test_reset_before_the_bank_never_sees_the_request(bank, proxy):
    proxy.arm("reset_before")
    with pytest.raises(requests.ConnectionError):
        post(proxy, b"pay 86.50")
    assert bank.seen == []
    assert post(proxy, b"again").content == b"again"  # only the next connection was broken


def test_reset_after_the_bank_did_it_but_the_kiosk_never_hears(bank, proxy):
    proxy.arm("reset_after")
    with pytest.raises(requests.ConnectionError):
        post(proxy, b"pay 86.50")
    proxy.settle()
    assert bank.seen == [(b"pay 86.50", "close")]


def test_a_slow_answer_outlasts_a_kiosks_patience_after_the_bank_answered(bank, proxy):
    proxy.arm("slow")
    with pytest.raises(requests.ReadTimeout):
        post(proxy, b"pay 86.50", timeout=0.2)
    proxy.settle()
    assert bank.seen == [(b"pay 86.50", "close")]


def test_a_held_request_has_not_reached_the_bank_while_the_kiosk_waits(bank):
    proxy = FaultyProxy(bank.server_address[:2], slow_s=6.0)  # held well past the kiosk's wait
    proxy.arm("hold")
    with pytest.raises(requests.ReadTimeout):
        post(proxy, b"pay 86.50", timeout=0.2)
    assert bank.seen == []  # still held back: the moment to cut the kiosk's power
    proxy.settle()
    proxy.stop()
    assert bank.seen == [(b"pay 86.50", "close")]


def test_faults_are_taken_one_a_connection_in_the_order_armed_and_can_be_cleared(bank, proxy):
    proxy.arm("reset_before", count=2)
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            post(proxy, b"x")
    assert post(proxy, b"third").content == b"third"
    proxy.arm("reset_before", count=5)
    proxy.clear()
    assert post(proxy, b"after clear").content == b"after clear"


def test_an_unknown_fault_is_refused():
    line = FaultyProxy(("127.0.0.1", 9))
    try:
        with pytest.raises(ValueError, match="unknown fault 'flood'"):
            line.arm("flood")
    finally:
        line.stop()
