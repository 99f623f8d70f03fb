"""The embedded sandbox: the contract of kiosk/backend/openapi.yaml served over real HTTP.

Runs on the standard library's ThreadingHTTPServer in a background thread. Branches also run
it for training and demos, so it defends itself like a front end: socket time-outs, a body
read only as far as an honest Content-Length, JSON no deeper than MAX_DEPTH, a JSON answer
(never a traceback, never HTML) for anything, and per-kiosk tokens bound to the kiosk id.

Besides the contract it has one thing a real bank has not: POST /_sandbox/faults, which makes
the next call(s) of an operation fail in a chosen way, so tests can cut the line at the worst
moment. It exists only when started with a fault token (`kiosk sandbox --faults`), and that
token must come with the order; in-process tests call `arm_fault` directly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import shutil
import ssl
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from hardware.pinpad.iso9564 import DEMO_PIN_KEY
from kiosk.backend import contract
from kiosk.sandbox.bank import Bank, Decline, NotFound, Request
from kiosk.sandbox.db import Database, IntegrityError, Tx
from kiosk.sandbox.seed import Visitor, book_demo_appointments, seed_visitors
from kiosk.sandbox.seed import seed as seed_demo_data

log = logging.getLogger(__name__)

# The sandbox's secret; each kiosk's token is derived from it and its id (kiosk_token_for).
SANDBOX_SECRET = "sandbox-kiosk-token"
# a kiosk id names its branch: STM-<branch>-<number>
KIOSK_ID = re.compile(r"^STM-(?P<branch>[0-9]{4})-[0-9]{2}$")
MAX_DEPTH = 32  # deeper JSON is refused before anything walks it
SOCKET_TIMEOUT_S = 5.0  # a client that stops sending mid-request is hung up on
MAX_FAULT_COUNT = 100
MAX_FAULT_DELAY_S = 60.0
FAULTS = (
    "500",
    "503",
    "garbage",
    "wrong_shape",
    "delay",
    "drop_before_commit",
    "drop_after_commit",
)
MAX_BODY = 5_000_000
# Operations a kiosk sends again under their own key until the bank answers (store-and-forward,
# kiosk/journal/journaled.py SENT_UNTIL_ANSWERED): a key their look-up sealed does not stop them.
SENT_AGAIN = frozenset({"reverseCardBinding"})


def kiosk_token_for(secret: str, kiosk_id: str) -> str:
    """A kiosk's own token: useless for any other kiosk id."""
    return hmac.new(secret.encode(), kiosk_id.encode(), hashlib.sha256).hexdigest()[:40]


SANDBOX_KIOSK_TOKEN = kiosk_token_for(SANDBOX_SECRET, "STM-0101-01")  # the default kiosk's


def _depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (iteratively: a deep one must not recurse here)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


@dataclass(frozen=True)
class Fault:
    kind: str
    delay_s: float = 2.0


JSON = "application/json; charset=utf-8"
YAML = "application/yaml; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: dict[str, Any] | bytes | None = None  # None: drop the line without answering
    delay_s: float = 0.0
    content_type: str = JSON


def _error(
    status: int, code: str, detail: str = "", reason_code: str | None = None, **params: Any
) -> Answer:
    error: dict[str, Any] = {"code": code, "detail": detail}
    if reason_code:
        error["reason_code"] = reason_code
        error["params"] = params
    return Answer(status, {"error": error})


def _tls_context(cert_and_key: tuple[str, str], client_ca: str | None) -> ssl.SSLContext:
    """HTTPS like a bank's front end: its own certificate, and client certificates if asked."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert_and_key)
    if client_ca:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    return context


def _snake(operation_id: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", operation_id).lower()


class Faults:
    """Armed faults per operation (client method names, e.g. "pay_bill"), used up in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, list[Fault]] = {}

    def arm(self, operation: str, fault: Fault, count: int = 1) -> None:
        with self._lock:
            self._armed.setdefault(operation, []).extend([fault] * count)

    def take(self, operation: str) -> Fault | None:
        with self._lock:
            armed = self._armed.get(operation)
            return armed.pop(0) if armed else None

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()


def _demo_day(tx: Tx) -> str | None:
    row = tx.one("SELECT value FROM meta WHERE name = 'demo_day'")
    return row["value"] if row else None


class SandboxServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        database_url: str | None = None,
        seed: bool = True,
        *,
        pin_key: bytes = DEMO_PIN_KEY,
        kiosk_token: str = SANDBOX_SECRET,
        tls_cert: tuple[str, str] | None = None,
        client_ca: str | None = None,
        fault_token: str | None = None,
    ):
        self._scratch = None
        if database_url is None:
            self._scratch = tempfile.mkdtemp(prefix="kiosk-sandbox-")
            database_url = f"sqlite:///{self._scratch}/sandbox.db"
        self.database = Database(database_url)
        self.bank = Bank(pin_key)
        self.faults = Faults()
        self._secret = kiosk_token
        self._fault_token = fault_token
        self._routes = [
            (contract.method_of(op), contract.path_pattern(op), op)
            for op in contract.operation_ids()
        ]
        with self.database.transaction() as tx:
            tx.run(
                "INSERT INTO meta VALUES ('mac_secret', ?) ON CONFLICT DO NOTHING",
                secrets.token_hex(32),
            )
            self._mac_secret = bytes.fromhex(  # the row was just made if it was not there
                tx.all("SELECT value FROM meta WHERE name = 'mac_secret'")[0]["value"]
            )
            now = datetime.now().astimezone()
            if (
                seed
                and tx.run(
                    "INSERT INTO meta VALUES ('seeded', ?) ON CONFLICT DO NOTHING", now.isoformat()
                )
                == 1
            ):
                seed_demo_data(tx, now)
            elif seed and _demo_day(tx) != now.date().isoformat():
                book_demo_appointments(tx, now)  # a sandbox kept from an earlier day
        self._http = _SandboxHttp((host, port), _Handler)
        if tls_cert:
            self._http.socket = _tls_context(tls_cert, client_ca).wrap_socket(
                self._http.socket, server_side=True
            )
        self._http.sandbox = self
        self._thread = threading.Thread(
            target=self._http.serve_forever, args=(0.05,), name="sandbox", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._http.socket.getsockname()[:2]
        scheme = "https" if isinstance(self._http.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{host}:{port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        log.info(
            "sandbox bank listening on %s (%s)",
            self.url,
            "PostgreSQL" if self.database.postgres else "SQLite",
        )
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._http.shutdown()
        self._http.server_close()
        self.database.close()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def token_for(self, kiosk_id: str) -> str:
        """The token this sandbox accepts from `kiosk_id` (and from no other kiosk)."""
        return kiosk_token_for(self._secret, kiosk_id)

    def seed_visitors(self, count: int) -> list[Visitor]:
        """As many made-up customers, each with a card, a bill due and a booking due now, as a
        benchmark or a soak asks for; numbered on from those seeded before in this database."""
        return seed_more_visitors(self.database, count)

    def arm_fault(self, operation: str, fault: str, count: int = 1, delay_s: float = 2.0) -> None:
        """In-process twin of POST /_sandbox/faults (operation = client method name)."""
        if fault not in FAULTS or operation not in {_snake(o) for o in contract.operation_ids()}:
            raise ValueError(f"unknown operation {operation!r} or fault {fault!r}")
        if not 1 <= count <= MAX_FAULT_COUNT:
            raise ValueError(f"count must be 1..{MAX_FAULT_COUNT}")
        if not 0 <= delay_s <= MAX_FAULT_DELAY_S:  # NaN fails both comparisons
            raise ValueError(f"delay_s must be 0..{MAX_FAULT_DELAY_S:g}")
        self.faults.arm(operation, Fault(fault, delay_s), count)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- one request -----------------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[str, re.Match[str]] | None:
        """The contract's operation for this method and path, and the path's parameters."""
        for verb, pattern, operation in self._routes:
            if verb == method and (match := pattern.match(path)):
                return operation, match
        return None

    def respond(self, method: str, target: str, headers: Any, raw: bytes) -> Answer:
        path = target.split("?", 1)[0]
        if path == "/_sandbox/faults" and self._fault_token:
            return self._faults_admin(method, headers, raw)
        if path == "/openapi.yaml" and method == "GET":
            return Answer(200, contract.CONTRACT_PATH.read_bytes(), content_type=YAML)
        route = self._route(method, path)
        if route is None:
            if any(pattern.match(path) for _, pattern, _ in self._routes):
                return _error(405, "method_not_allowed", f"{method} is not allowed on {path}")
            return _error(404, "not_found", f"no {method} {path}")
        operation, match = route
        kiosk = KIOSK_ID.match(headers.get("X-Kiosk-Id") or "")
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        if (
            kiosk is None
            or scheme != "Bearer"
            or not hmac.compare_digest(token.encode(), self.token_for(kiosk.group(0)).encode())
        ):
            return _error(401, "unauthorised", "unknown kiosk or token")
        path_params = match.groupdict()
        problems = contract.parameter_problems(
            operation, "header", headers
        ) + contract.parameter_problems(operation, "path", path_params)
        body: Any = {}
        if contract.takes_body(operation):
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                return _error(400, "bad_request", "body is not JSON")
            if _depth(body) > MAX_DEPTH:
                return _error(400, "bad_request", f"JSON nested deeper than {MAX_DEPTH}")
            body = contract.whole_numbers(body)
            problems += contract.request_problems(operation, body)
        if problems:
            return _error(400, "bad_request", "; ".join(problems[:5]))
        if path_params.get("kiosk_id", kiosk.group(0)) != kiosk.group(0):
            return _error(403, "forbidden", "another kiosk's resource")
        name = _snake(operation)
        request = Request(
            kiosk.group(0),
            kiosk.group("branch"),
            headers.get("Idempotency-Key") if contract.takes_idempotency_key(operation) else None,
            body,
            path_params,
        )
        return self._carry_out_with_faults(operation, name, request, headers.get("X-Journal-Head"))

    def _carry_out_with_faults(
        self, operation: str, name: str, request: Request, journal_head: str | None
    ) -> Answer:
        """Carry out the request, with the fault a test armed for this operation, if any."""
        fault = self.faults.take(name)
        if fault and fault.kind in ("500", "503"):
            return _error(
                int(fault.kind),
                "internal" if fault.kind == "500" else "unavailable",
                "injected fault",
            )
        if fault and fault.kind == "drop_before_commit":
            return Answer(body=None)
        if journal_head:
            with self.database.transaction() as tx:
                self.bank.keep_journal_head(tx, request.kiosk_id, journal_head)
        try:
            answer = self._carry_out(operation, name, request)
        except Exception:
            log.exception("%s failed", operation)
            return _error(500, "internal")
        if fault is None:
            return answer
        log.warning("injecting %s into %s", fault.kind, name)
        return {
            "drop_after_commit": Answer(body=None),
            "garbage": Answer(200, b"\x00<html>Gateway says hello</html>"),
            "wrong_shape": Answer(200, {"unexpected": True}),
            "delay": Answer(answer.status, answer.body, fault.delay_s),
        }[fault.kind]

    def _carry_out(self, operation: str, name: str, req: Request) -> Answer:
        handler = getattr(self.bank, name)
        if req.idempotency_key is None:  # a read
            with self.database.transaction() as tx:
                try:
                    return Answer(200, handler(tx, req))
                except Decline as d:
                    return _error(422, "declined", d.reason_code, d.reason_code, **d.params)
                except NotFound:
                    return _error(404, "not_found")
        mac = hmac.new(
            self._mac_secret,
            json.dumps([operation, req.path, req.body], sort_keys=True).encode(),
            hashlib.sha256,
        ).hexdigest()
        for _ in range(5):
            try:
                with self.database.transaction() as tx:
                    return self._once(tx, operation, handler, req, mac)
            except IntegrityError:
                continue  # the same key committed meanwhile by a parallel request: replay it
        return _error(500, "internal", "could not store the answer")

    def _once(self, tx: Any, operation: str, handler: Any, req: Request, mac: str) -> Answer:
        first = tx.one(
            "SELECT * FROM idempotency WHERE kiosk_id = ? AND idem_key = ?",
            req.kiosk_id,
            req.idempotency_key,
        )
        if first is not None and first["outcome"] == "sealed" and operation in SENT_AGAIN:
            # a look-up sealed this key, and now the kiosk sends it again on purpose: what
            # may be sent twice (a reversal) is carried out, anything else stays refused
            tx.run(
                "DELETE FROM idempotency WHERE kiosk_id = ? AND idem_key = ?",
                req.kiosk_id,
                req.idempotency_key,
            )
            first = None
        if first is not None:
            if first["operation"] != operation or first["body_mac"] != mac:
                return _error(422, "idempotency_key_reused", "key used with another request")
            log.info("%s key=%s replayed", operation, req.idempotency_key)
            return Answer(first["http_status"], json.loads(first["response"]))
        try:
            done: dict[str, Any] = handler(tx, req)
            answer, outcome, reference = Answer(200, done), "done", done.get("reference")
        except Decline as d:
            answer = _error(422, "declined", d.reason_code, d.reason_code, **d.params)
            outcome, reference = "declined", None
        tx.run(
            "INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            req.kiosk_id,
            req.idempotency_key,
            operation,
            mac,
            answer.status,
            json.dumps(answer.body),
            outcome,
            reference,
            datetime.now().astimezone().isoformat(),
        )
        return answer

    def _faults_admin(self, method: str, headers: Any, raw: bytes) -> Answer:
        presented = (headers.get("Authorization") or "").encode()
        if not hmac.compare_digest(presented, f"Bearer {self._fault_token}".encode()):
            return _error(401, "unauthorised", "the fault hook needs its token")
        if method not in ("POST", "DELETE"):
            return _error(405, "method_not_allowed", "POST to arm, DELETE to clear")
        if method == "DELETE":
            self.faults.clear()
            return Answer(200, {"armed": []})
        try:
            order = json.loads(raw)
            operation, kind = str(order["operation"]), str(order["fault"])
            count, delay_s = int(order.get("count", 1)), float(order.get("delay_s", 2.0))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError):
            return _error(400, "bad_request", "want {operation, fault, count?, delay_s?}")
        try:
            self.arm_fault(operation, kind, count, delay_s)
        except ValueError as exc:
            return _error(400, "bad_request", str(exc))
        return Answer(200, {"armed": {"operation": operation, "fault": kind, "count": count}})


class _SandboxHttp(ThreadingHTTPServer):
    sandbox: SandboxServer  # the server the handlers answer for
    daemon_threads = True
    # a branch's kiosks connecting at once: with the default backlog of 5 the kernel resets
    # the connections past it, and a reset mid-call leaves the kiosk unsure what happened
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a request that broke the handler (a client gone mid-answer): one line, no traceback
        exc = sys.exc_info()[1]
        log.warning("request from %s dropped: %s: %s", client_address[0], type(exc).__name__, exc)


class _Handler(BaseHTTPRequestHandler):
    server_version = "KioskSandbox/1.0"
    # keep-alive: a kiosk's calls go over one connection (and one thread here) instead of a
    # new connection and a new thread for each; an idle one is closed after SOCKET_TIMEOUT_S
    protocol_version = "HTTP/1.1"
    server: _SandboxHttp
    timeout = SOCKET_TIMEOUT_S  # every read and write on the socket

    def _serve(self) -> None:
        length = _content_length(self.headers)
        if length is None or length > MAX_BODY:
            self.close_connection = True  # where this body ends is unknown: no next request
            self._send(
                _error(400, "bad_request", "Content-Length must be a whole number")
                if length is None
                else _error(413, "too_large", f"at most {MAX_BODY} bytes")
            )
            return
        try:
            raw = self.rfile.read(length) if length else b""
        except TimeoutError:
            raw = b""
        if len(raw) < length:  # the body is shorter than announced: hang up
            log.info("%s %s: body shorter than its Content-Length", self.command, self.path)
            self.close_connection = True
            return
        answer = self.server.sandbox.respond(self.command, self.path, self.headers, raw)
        if answer.body is None:
            self.close_connection = True  # hang up without a word
            return
        if answer.delay_s:
            time.sleep(answer.delay_s)
        self._send(answer)

    def _send(self, answer: Answer) -> None:
        payload = (
            answer.body
            if isinstance(answer.body, bytes)
            else json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
        )
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(payload)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            # the kiosk gave up waiting (its timeout): what was done stays done, and the kiosk
            # learns the outcome by looking the idempotency key up
            log.info("%s %s: the client hung up before the answer", self.command, self.path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own refusals (bad request line, unknown method), as JSON."""
        if code == 501:  # a method the server has no handler for
            code, message = 405, f"{self.command} is not allowed"
        self.close_connection = True
        self._send(_error(code, "bad_request" if code == 400 else "refused", message or ""))

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def do_OTHER(self) -> None:
        self._send(_error(405, "method_not_allowed", f"{self.command} is not allowed"))

    do_HEAD = do_TRACE = do_OPTIONS = do_PATCH = do_CONNECT = do_OTHER

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def _content_length(headers: Any) -> int | None:
    """The announced body size; None when it is not one whole non-negative number."""
    values = headers.get_all("Content-Length") or ["0"]
    if len(set(values)) != 1 or not values[0].strip().isdigit():
        return None
    return int(values[0])


def seed_more_visitors(database: Database, count: int) -> list[Visitor]:
    """seed_visitors numbered on from the last ones in `database` (several sandboxes may share
    it)."""
    with database.transaction() as tx:
        tx.run("INSERT INTO meta VALUES ('visitors', '0') ON CONFLICT DO NOTHING")
        last = tx.all(  # one statement: the row stays locked until the seeding commits
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + ? AS TEXT)"
            " WHERE name = 'visitors' RETURNING value",
            count,
        )[0]["value"]
        first = int(last) - count
        return seed_visitors(tx, datetime.now().astimezone(), count, first)


def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    database_url: str | None = None,
    seed: bool = True,
    *,
    pin_key: bytes = DEMO_PIN_KEY,
    kiosk_token: str = SANDBOX_SECRET,
    tls_cert: tuple[str, str] | None = None,
    client_ca: str | None = None,
    fault_token: str | None = None,
) -> SandboxServer:
    """Starts the sandbox bank in a background thread; `.url`, `.stop()`, or use `with`.

    `tls_cert` = (certificate file, key file) serves HTTPS; `client_ca` then also demands a
    client certificate signed by that CA (mutual TLS, as a bank may ask of its kiosks).
    """
    return SandboxServer(
        host,
        port,
        database_url,
        seed,
        pin_key=pin_key,
        kiosk_token=kiosk_token,
        tls_cert=tls_cert,
        client_ca=client_ca,
        fault_token=fault_token,
    ).start()
