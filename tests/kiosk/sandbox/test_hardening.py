"""The sandbox as an attacker meets it (branches run it for training and demos): lying
Content-Lengths, deep JSON, odd methods, borrowed tokens. Every request gets a JSON answer or
a closed connection within the socket time-out, and nothing prints a traceback. The sandbox
runs as its own process, so its real stderr is what is checked."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from kiosk.sandbox.server import SANDBOX_SECRET, SOCKET_TIMEOUT_S, kiosk_token_for

ROOT = Path(__file__).resolve().parents[3]
KIOSK = "STM-0101-01"
TOKEN = kiosk_token_for(SANDBOX_SECRET, KIOSK)


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("hardening")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from kiosk.sandbox.cli import main; sys.exit(main(sys.argv[1:]))",
            "--port",
            "0",
            "--database-url",
            f"sqlite:///{scratch / 'bank.db'}",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    url = re.search(r"(http://\S+)", line).group(1)
    host, port = url.removeprefix("http://").split(":")
    yield process, url, (host, int(port))
    process.terminate()
    _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr[-3000:]


def _raw(address, data: bytes) -> bytes:
    """Sends bytes, returns what comes back before the server closes (or its time-out)."""
    with socket.create_connection(address, timeout=SOCKET_TIMEOUT_S * 3) as sock:
        sock.sendall(data)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            pytest.fail(f"the sandbox kept the connection open: {answer[:200]!r}")
        return answer


def _request(method, length_header, body=b"", path="/v1/staff-calls"):
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nX-Kiosk-Id: {KIOSK}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nIdempotency-Key: key-0000000001\r\n"
        "Content-Type: application/json\r\n"
    )
    if length_header is not None:
        head += f"Content-Length: {length_header}\r\n"
    return head.encode() + b"\r\n" + body


def _status(answer: bytes) -> int | None:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return int(match.group(1)) if match else None


def _json_body(answer: bytes) -> dict:
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])


@pytest.mark.parametrize(
    "length, body",
    [("abc", b"{}"), ("-5", b"{}"), ("1e3", b"{}"), ("5, 7", b"{}"), ("10", b"")],
)
def test_a_bad_or_lying_content_length_is_refused_or_hung_up_on(bank, length, body):
    _, _, address = bank
    answer = _raw(address, _request("POST", length, body))
    assert answer == b"" or _status(answer) == 400  # closed (short body) or a JSON 400
    if answer:
        assert _json_body(answer)["error"]["code"] == "bad_request"


def test_deeply_nested_json_is_a_400(bank):
    _, url, _ = bank
    for depth in (100, 100_000):
        answer = requests.post(
            f"{url}/v1/staff-calls",
            data="[" * depth + "]" * depth,
            headers={
                "X-Kiosk-Id": KIOSK,
                "Authorization": f"Bearer {TOKEN}",
                "Idempotency-Key": "key-0000000002",
                "Content-Type": "application/json",
            },
            timeout=10,
        )
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("method", ["TRACE", "HEAD", "OPTIONS", "PATCH", "BREW"])
def test_unsupported_methods_get_a_json_405(bank, method):
    _, _, address = bank
    answer = _raw(address, _request(method, 0, path="/v1/billers"))
    assert _status(answer) == 405
    assert b"application/json" in answer.split(b"\r\n\r\n")[0]
    if method != "HEAD":
        assert _json_body(answer)["error"]["code"]


def test_a_known_path_with_the_wrong_method_is_405(bank):
    _, url, _ = bank
    answer = requests.delete(
        f"{url}/v1/billers", headers={"X-Kiosk-Id": KIOSK, "Authorization": f"Bearer {TOKEN}"}
    )
    assert answer.status_code == 405 and answer.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "kiosk, authorization",
    [
        ("STM-0101-02", f"Bearer {TOKEN}"),  # another kiosk's token
        ("STM-9999-01", f"Bearer {TOKEN}"),
        (KIOSK, TOKEN),  # no Bearer
        (KIOSK, f"bearer {TOKEN}"),
        (KIOSK, f"Bearer {SANDBOX_SECRET}"),  # the secret itself is no kiosk's token
        (KIOSK, ""),
    ],
)
def test_tokens_are_bound_to_their_kiosk_and_need_bearer(bank, kiosk, authorization):
    _, url, _ = bank
    answer = requests.get(
        f"{url}/v1/billers", headers={"X-Kiosk-Id": kiosk, "Authorization": authorization}
    )
    assert answer.status_code == 401


def test_each_kiosk_has_its_own_token(bank):
    _, url, _ = bank
    other = "STM-0101-02"
    answer = requests.get(
        f"{url}/v1/billers",
        headers={
            "X-Kiosk-Id": other,
            "Authorization": f"Bearer {kiosk_token_for(SANDBOX_SECRET, other)}",
        },
    )
    assert answer.status_code == 200


def test_the_contract_is_served_as_yaml(bank):
    _, url, _ = bank
    answer = requests.get(f"{url}/openapi.yaml", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/yaml")
    assert answer.text.startswith("openapi: 3.1.0")


def test_the_fault_hook_is_closed_without_faults(bank):
    _, url, _ = bank
    order = {"operation": "list_billers", "fault": "delay", "count": 10**9, "delay_s": 1e9}
    assert requests.post(f"{url}/_sandbox/faults", json=order, timeout=5).status_code == 404


def test_garbage_request_lines_get_json_not_html(bank):
    _, _, address = bank
    for garbage in (b"\x00\x01\x02\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"):
        answer = _raw(address, garbage)
        assert answer == b"" or b"<html" not in answer.lower()
