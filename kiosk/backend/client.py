"""The kiosk's side of the line to core banking: one method per operation of openapi.yaml.

Every call has a timeout. What is retried, and why it is safe:
- a connection that could not be opened (nothing was sent): any call, with backoff;
- reads (GET, the appointment search, the heartbeat PUT): also timeouts and 502/503/504.
A state-changing call whose request may have left the kiosk is never re-sent here: a dropped
line, a timeout or a 5xx raises OutcomeUnknown and the journal asks the bank later.
State-changing methods take the idempotency key from the caller, who journals it first.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from kiosk.backend import contract
from kiosk.backend.errors import (
    BackendError,
    BackendUnavailable,
    Declined,
    InvalidResponse,
    KioskNotAuthorised,
    OutcomeUnknown,
    RequestRefused,
)
from kiosk.backend.models import (
    AccountAwaitingCard,
    AccountOpened,
    Appointment,
    Bill,
    Biller,
    CardIssued,
    CardReversal,
    CardVerified,
    CheckIn,
    DeviceStatus,
    HeartbeatAck,
    IdentityVerification,
    Offer,
    OtpSent,
    OtpVerified,
    Payment,
    PinChecked,
    QueueTicket,
    StaffAuthorisation,
    StaffCall,
    TransactionRecord,
    build,
)
from kiosk.events import Event

if TYPE_CHECKING:  # requests is loaded by the first call (on a worker), not at start-up
    import requests

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRYABLE_STATUS = {502, 503, 504}


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before any byte of the request left the kiosk."""
    import requests
    from urllib3.exceptions import NewConnectionError

    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _idempotency_header(operation: str, key: str | None) -> dict[str, str]:
    if not key:
        raise ValueError(f"{operation} needs an idempotency key, journaled before the call")
    return {"Idempotency-Key": key}


def declined_message_key(reason_code: str) -> str:
    known = reason_code in contract.reason_codes()
    return f"backend.declined.{reason_code if known else 'other'}"


class CoreBankingClient:
    def __init__(
        self,
        base_url: str,
        kiosk_id: str,
        token: str,
        *,
        timeout: float = 10.0,
        ca_bundle: str | None = None,
        client_cert: tuple[str, str] | None = None,
        verify_tls: bool = True,
        retries: int = 2,
        backoff_s: float = 0.2,
    ):
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout = timeout
        self.retries = retries
        self.backoff_s = backoff_s
        self._token = token
        self._client_cert = client_cert
        self._made: requests.Session | None = None
        self._making = threading.Lock()
        # (operation, seconds, error class name or None), from the worker: fleet monitoring
        self.call_done: Event[str, float, str | None] = Event("backend_call_done")
        # given per request: a session-wide setting would lose to REQUESTS_CA_BUNDLE
        self._verify: str | bool = ca_bundle if ca_bundle else verify_tls
        # the journal's newest (seq:mac), sent with every state-changing call and heartbeat
        # so the bank holds an anchor the journal must still reach; set by the composition root
        self.journal_head: Callable[[], str | None] | None = None

    @property
    def _session(self) -> requests.Session:
        """The HTTP session, made by the first call: importing requests (and urllib3) is a
        quarter of a second that a kiosk's start-up should not spend before its first paint."""
        with self._making:
            if self._made is None:
                import requests
                from requests.adapters import HTTPAdapter

                session = requests.Session()
                # no hidden retries in urllib3: this class decides what is safe to send again
                session.mount("http://", HTTPAdapter(max_retries=0))
                session.mount("https://", HTTPAdapter(max_retries=0))
                session.cert = self._client_cert
                session.headers.update(
                    {
                        "Authorization": f"Bearer {self._token}",
                        "X-Kiosk-Id": self.kiosk_id,
                        "Accept": "application/json",
                    }
                )
                self._made = session
            return self._made

    def close(self) -> None:
        with self._making:
            if self._made is not None:
                self._made.close()

    # --- the operations -------------------------------------------------------------------

    def verify_identity(
        self, id_number: str, name: str, face_photo_b64: str, *, idempotency_key: str
    ) -> IdentityVerification:
        body = {"id_number": id_number, "name": name, "face_photo": face_photo_b64}
        return build(IdentityVerification, self._call("verifyIdentity", body, idempotency_key))

    def send_otp(self, phone: str, purpose: str, *, idempotency_key: str) -> OtpSent:
        body = {"phone": phone, "purpose": purpose}
        return build(OtpSent, self._call("sendOtp", body, idempotency_key))

    def verify_otp(self, otp_id: str, code: str, *, idempotency_key: str) -> OtpVerified:
        body = {"otp_id": otp_id, "code": code}
        return build(OtpVerified, self._call("verifyOtp", body, idempotency_key))

    def open_account(
        self,
        *,
        verification_id: str,
        otp_id: str,
        id_number: str,
        name: str,
        phone: str,
        address: str,
        account_class: str,
        product: str,
        idempotency_key: str,
        occupation: str | None = None,
        staff_authorisation_id: str | None = None,
        pin_check_id: str | None = None,
    ) -> AccountOpened:
        body = {
            "verification_id": verification_id,
            "otp_id": otp_id,
            "id_number": id_number,
            "name": name,
            "phone": phone,
            "address": address,
            "account_class": account_class,
            "product": product,
        }
        if occupation:
            body["occupation"] = occupation
        if staff_authorisation_id:
            body["staff_authorisation_id"] = staff_authorisation_id
        if pin_check_id:
            body["pin_check_id"] = pin_check_id
        return build(AccountOpened, self._call("openAccount", body, idempotency_key))

    def check_new_pin(
        self,
        verification_id: str,
        pan: str,
        pin_block: bytes,
        pin_block_repeat: bytes,
        *,
        idempotency_key: str,
    ) -> PinChecked:
        """Both entries of a new PIN; the bank refuses weak PINs and entries that differ."""
        body = {
            "verification_id": verification_id,
            "pan": pan,
            "pin_block": pin_block.hex().upper(),
            "pin_block_repeat": pin_block_repeat.hex().upper(),
        }
        return build(PinChecked, self._call("checkNewPin", body, idempotency_key))

    def find_accounts_awaiting_card(self, verification_id: str) -> list[AccountAwaitingCard]:
        answer = self._call("findAccountsAwaitingCard", path={"verification_id": verification_id})
        return [build(AccountAwaitingCard, a) for a in answer["accounts"]]

    def issue_card(
        self,
        account_number: str,
        card_serial: str,
        pin_block: bytes | None,
        *,
        idempotency_key: str,
    ) -> CardIssued:
        """`pin_block` None: the card takes the PIN the account was opened with."""
        body = {"account_number": account_number, "card_serial": card_serial}
        if pin_block is not None:
            body["pin_block"] = pin_block.hex().upper()
        return build(CardIssued, self._call("issueCard", body, idempotency_key))

    def reverse_card_binding(
        self, original_idempotency_key: str, reason: str, *, idempotency_key: str
    ) -> CardReversal:
        body = {"original_idempotency_key": original_idempotency_key, "reason": reason}
        return build(CardReversal, self._call("reverseCardBinding", body, idempotency_key))

    def verify_card_pin(self, pan: str, pin_block: bytes, *, idempotency_key: str) -> CardVerified:
        body = {"pan": pan, "pin_block": pin_block.hex().upper()}
        return build(CardVerified, self._call("verifyCardPin", body, idempotency_key))

    def list_billers(self) -> list[Biller]:
        return [build(Biller, b) for b in self._call("listBillers")["billers"]]

    def look_up_bill(self, biller_id: str, bill_number: str) -> Bill:
        path = {"biller_id": biller_id, "bill_number": bill_number}
        return build(Bill, self._call("lookUpBill", path=path))

    def pay_bill(
        self,
        biller_id: str,
        bill_number: str,
        amount_fen: int,
        card_token: str,
        *,
        idempotency_key: str,
    ) -> Payment:
        body = {
            "biller_id": biller_id,
            "bill_number": bill_number,
            "amount_fen": amount_fen,
            "card_token": card_token,
        }
        return build(Payment, self._call("payBill", body, idempotency_key))

    def find_appointments(
        self,
        *,
        qr_token: str | None = None,
        phone: str | None = None,
        booking_code: str | None = None,
        id_number: str | None = None,
    ) -> list[Appointment]:
        given = {
            "qr_token": qr_token,
            "phone": phone,
            "booking_code": booking_code,
            "id_number": id_number,
        }
        body = {k: v for k, v in given.items() if v is not None}
        answer = self._call("findAppointments", body)
        return [build(Appointment, a) for a in answer["appointments"]]

    def check_in(self, appointment_id: str, *, idempotency_key: str) -> CheckIn:
        path = {"appointment_id": appointment_id}
        return build(CheckIn, self._call("checkIn", None, idempotency_key, path=path))

    def reprint_check_in_ticket(self, appointment_id: str) -> QueueTicket:
        path = {"appointment_id": appointment_id}
        return build(QueueTicket, self._call("reprintCheckInTicket", path=path))

    def take_queue_ticket(
        self,
        service: str,
        customer_id: str | None = None,
        *,
        reason: str | None = None,
        idempotency_key: str,
    ) -> QueueTicket:
        """A ticket for a counter; `reason` (a CounterReason) when the guide sends them there."""
        given = {"service": service, "customer_id": customer_id, "reason": reason}
        body = {k: v for k, v in given.items() if v}
        return build(QueueTicket, self._call("takeQueueTicket", body, idempotency_key))

    def find_offer(self, customer_id: str) -> Offer | None:
        """One offer for a customer who consented to offers, else None."""
        offers = self._call("findOffer", path={"customer_id": customer_id})["offers"]
        return build(Offer, offers[0]) if offers else None

    def count_counter_tickets(self, branch_id: str, day: str) -> int:
        """The branch's counter tickets on `day` (ISO date): the business the kiosk did not take."""
        path = {"branch_id": branch_id, "day": day}
        return int(self._call("countCounterTickets", path=path)["count"])

    def authorise_by_staff(
        self, staff_id: str, password: str, operation: str, *, idempotency_key: str
    ) -> StaffAuthorisation:
        body = {"staff_id": staff_id, "password": password, "operation": operation}
        return build(StaffAuthorisation, self._call("authoriseByStaff", body, idempotency_key))

    def authorise_by_staff_card(
        self, staff_id: str, pin_block: bytes, operation: str, *, idempotency_key: str
    ) -> StaffAuthorisation:
        """Staff card + PIN pad: the block's account field carries the staff number."""
        body = {"staff_id": staff_id, "pin_block": pin_block.hex().upper(), "operation": operation}
        return build(StaffAuthorisation, self._call("authoriseByStaff", body, idempotency_key))

    def send_heartbeat(
        self, state: str, devices: Sequence[DeviceStatus], figures: Mapping[str, int]
    ) -> HeartbeatAck:
        body = {"state": state, "devices": [asdict(d) for d in devices], "figures": dict(figures)}
        answer = self._call("sendHeartbeat", body, path={"kiosk_id": self.kiosk_id})
        return build(HeartbeatAck, answer)

    def get_journal_head(self) -> str | None:
        """The last journal head (`seq:mac`) the bank saw from this kiosk; None: none yet."""
        try:
            answer = self._call("getJournalHead", path={"kiosk_id": self.kiosk_id})
        except _NotFound:
            return None
        head: str = answer["head"]
        return head

    def call_staff(
        self, reason: str, language: str | None = None, *, idempotency_key: str
    ) -> StaffCall:
        body = {"reason": reason}
        if language:
            body["language"] = language
        return build(StaffCall, self._call("callStaff", body, idempotency_key))

    def look_up_transaction(self, idempotency_key: str) -> TransactionRecord | None:
        """What became of a state-changing call; None when the bank never carried it out."""
        try:
            answer = self._call("lookUpTransaction", path={"idempotency_key": idempotency_key})
        except _NotFound:
            return None
        return build(TransactionRecord, answer)

    # --- the plumbing ---------------------------------------------------------------------

    def _url(self, operation: str, path: Mapping[str, str]) -> str:
        quoted = {name: quote(value, safe="") for name, value in path.items()}
        return self.base_url + contract.path_of(operation).format_map(quoted)

    def _headers(self, operation: str, key: str | None, changes_state: bool) -> dict[str, str]:
        """The idempotency key, and the journal's head the bank anchors (see docs/backend.md)."""
        headers = _idempotency_header(operation, key) if changes_state else {}
        head = self.journal_head() if self.journal_head else None
        if head and (changes_state or operation == "sendHeartbeat"):
            headers["X-Journal-Head"] = head
        return headers

    def _call(
        self,
        operation: str,
        body: dict[str, Any] | None = None,
        key: str | None = None,
        *,
        path: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        started = time.monotonic()
        try:
            answer = self._send(operation, body, key, path)
        except BackendError as exc:
            self.call_done.emit(operation, time.monotonic() - started, type(exc).__name__)
            raise
        self.call_done.emit(operation, time.monotonic() - started, None)
        return answer

    def _send(
        self,
        operation: str,
        body: dict[str, Any] | None,
        key: str | None,
        path: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        """One operation, retried where that is safe."""
        method, url = contract.method_of(operation), self._url(operation, path or {})
        changes_state = contract.takes_idempotency_key(operation)
        headers = self._headers(operation, key, changes_state)
        import requests

        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    json=body,
                    headers=headers,
                    timeout=self.timeout,
                    verify=self._verify,
                )
            except requests.exceptions.SSLError as exc:
                # the handshake failed, so nothing was sent; retrying will not fix a certificate
                log.error("%s: TLS handshake with the bank failed: %s", operation, exc)
                raise BackendUnavailable(f"{operation}: TLS: {exc}") from exc
            except requests.ConnectionError as exc:
                if changes_state and not _never_sent(exc):
                    log.warning(
                        "%s key=%s: line dropped after sending (%s)",
                        operation,
                        key,
                        type(exc).__name__,
                    )
                    raise OutcomeUnknown(key or "", f"{operation}: {exc}") from exc
                failure: Exception = exc
            except requests.Timeout as exc:
                if changes_state:
                    log.warning("%s key=%s: no answer within %.1f s", operation, key, self.timeout)
                    raise OutcomeUnknown(key or "", f"{operation}: timed out") from exc
                failure = exc
            except requests.RequestException as exc:
                raise BackendUnavailable(f"{operation}: {exc}") from exc
            else:
                log.info(
                    "%s key=%s -> %s in %.0f ms",
                    operation,
                    key,
                    response.status_code,
                    (time.monotonic() - started) * 1000,
                )
                if changes_state or response.status_code not in _RETRYABLE_STATUS:
                    return self._answer(operation, key, changes_state, response)
                failure = BackendUnavailable(f"{operation}: HTTP {response.status_code}")
            if attempt >= self.retries:
                if isinstance(failure, BackendUnavailable):
                    raise failure
                raise BackendUnavailable(f"{operation}: {failure}") from failure
            attempt += 1
            log.info(
                "%s: retrying (%d of %d) after %s",
                operation,
                attempt,
                self.retries,
                type(failure).__name__,
            )
            time.sleep(self.backoff_s * 2 ** (attempt - 1))

    def _answer(
        self, operation: str, key: str | None, changes_state: bool, response: requests.Response
    ) -> dict[str, Any]:
        status = response.status_code
        data: dict[str, Any] | None
        try:
            data = contract.whole_numbers(response.json())
        except ValueError:
            data = None
        problems = (
            ["not JSON"] if data is None else contract.response_problems(operation, status, data)
        )
        if problems or data is None:
            log.error(
                "%s key=%s: HTTP %s answer breaks the contract: %s",
                operation,
                key,
                status,
                "; ".join(problems[:5]),
            )
            if changes_state and status >= 500:
                raise OutcomeUnknown(key or "", f"{operation}: HTTP {status}, unreadable")
            raise InvalidResponse(
                f"{operation}: {'; '.join(problems[:5])}", key if changes_state else None
            )
        if 200 <= status < 300:
            return data
        error = data["error"]
        code = error["code"]
        if code == "declined" and "reason_code" in error:
            reason = error["reason_code"]
            log.info("%s key=%s declined: %s", operation, key, reason)
            raise Declined(
                reason,
                declined_message_key(reason),
                error.get("detail", ""),
                **error.get("params", {}),
            )
        if status == 404 and operation in ("lookUpTransaction", "getJournalHead"):
            raise _NotFound()
        if status in (401, 403):
            raise KioskNotAuthorised(f"{operation}: {code}")
        if status == 503:
            raise BackendUnavailable(f"{operation}: {code}")
        if changes_state and (status >= 500 or code == "request_in_progress"):
            raise OutcomeUnknown(key or "", f"{operation}: HTTP {status} {code}")
        if status >= 500:
            raise BackendUnavailable(f"{operation}: HTTP {status} {code}")
        raise RequestRefused(f"{operation}: HTTP {status} {code} {error.get('detail', '')}")


class _NotFound(Exception):
    """Internal: the bank has no record (only meaningful for the transaction look-up)."""
