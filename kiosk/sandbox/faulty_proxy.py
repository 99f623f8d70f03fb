"""A fault-injecting TCP proxy in front of the sandbox bank: what the line between a kiosk and
its bank can do that the bank itself cannot (tests and benchmarks only).

Each new connection takes the next armed fault, or passes through:
  reset_before  the request is read, never forwarded, and the connection reset
  reset_after   the request is forwarded, the bank answers (and commits), the kiosk gets a reset
  slow          the bank's answer is held back `slow_s` before it is relayed
  hold          the request is held back `slow_s` before it is forwarded (the bank has not
                seen it yet: the moment to cut a kiosk's power between intent and call)
One HTTP request per connection is relayed (the proxy asks for `Connection: close`).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import deque

FAULTS = ("reset_before", "reset_after", "slow", "hold")


def _read_message(sock: socket.socket) -> bytes:
    """One HTTP message: headers, then as many bytes as its Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _close_connection(request: bytes) -> bytes:
    head, _, body = request.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultyProxy:
    def __init__(self, upstream: tuple[str, int], slow_s: float = 3.0):
        self.upstream = upstream
        self.slow_s = slow_s
        self._armed: deque[str] = deque()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._in_flight = 0
        self._thread = threading.Thread(target=self._serve, name="faulty-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def arm(self, fault: str, count: int = 1) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._armed.extend([fault] * count)

    def settle(self, timeout_s: float = 30.0) -> None:
        """Waits until every relayed request has reached the bank and been answered."""
        deadline = time.monotonic() + timeout_s
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(0.01)

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                fault = self._armed.popleft() if self._armed else None
            threading.Thread(target=self._relay, args=(client, fault), daemon=True).start()

    def _relay(self, client: socket.socket, fault: str | None) -> None:
        with self._lock:
            self._in_flight += 1
        try:
            self._relay_one(client, fault)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _relay_one(self, client: socket.socket, fault: str | None) -> None:
        try:
            client.settimeout(30)
            request = _read_message(client)
            if fault == "reset_before" or not request:
                _reset(client)
                return
            if fault == "hold":
                time.sleep(self.slow_s)
            with socket.create_connection(self.upstream, timeout=60) as bank:
                bank.sendall(_close_connection(request))
                answer = _read_message(bank)
            if fault == "reset_after":
                _reset(client)
                return
            if fault == "slow":
                time.sleep(self.slow_s)
            client.sendall(answer)
            client.close()
        except OSError:
            client.close()
