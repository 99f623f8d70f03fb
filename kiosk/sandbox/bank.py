"""The sandbox bank's rules: one method per contract operation, named as the client's methods.

A method gets the open transaction and the request, and returns the answer's body or raises
Decline (the transaction still commits: a wrong PIN must count even though it is refused).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import logging
import math
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hardware.luhn import luhn_check_digit
from hardware.pinpad.iso9564 import PinBlockError, decode_pin_block
from kiosk.backend import contract
from kiosk.flows.validators import age_on, birth_date_of, id_number_problem
from kiosk.masking import mask_id_number, mask_name, mask_pan, mask_phone
from kiosk.sandbox.db import Tx
from kiosk.sandbox.seed import secret_hash, secret_matches

log = logging.getLogger(__name__)

TEST_OTP_CODE = "246810"
OTP_LIFETIME_S = 300
OTP_TRIES = 3
OTP_RESEND_S = 60  # a phone gets a new code for an unused one no sooner than this
OTP_SENDS_A_DAY = 5  # nor more codes than this in a day (SMS costs money; SIM-swap fraud)
PIN_TRIES = 3
CARD_TOKEN_LIFETIME_S = 600
PIN_CHECK_LIFETIME_S = 900  # from the PIN pad to opening the account
SENIOR_AGE = 65
STAFF_AUTHORISATION_AGE = 70  # opening an account from this age needs a member of staff
STAFF_TRIES = 5  # wrong passwords in a row before that staff number is locked
STAFF_LOCK_S = 15 * 60
EARLY_MIN, LATE_MIN = 30, 15  # check-in window around the booked time
SERVICE_MINUTES = {
    "general": 4,
    "wealth_advice": 15,
    "pension_account": 10,
    "large_cash_withdrawal": 8,
    "card_replacement": 6,
    "loan_consultation": 20,
    "account_opening": 10,
}
STAFF_MAY_AUTHORISE = {
    "lobby_manager": {"account_opening", "card_issue"},
    "supervisor": {"account_opening", "card_issue", "supervisor_mode"},
    "teller": set(),
}
PRODUCT_CLASSES = {"standard_debit": {"I", "II"}, "senior_debit": {"I", "II"}, "e_account": {"II"}}


class Decline(Exception):
    def __init__(self, reason_code: str, **params: str | int):
        if reason_code not in contract.reason_codes():
            raise ValueError(f"reason {reason_code!r} is not in the contract")
        super().__init__(reason_code)
        self.reason_code = reason_code
        self.params = params


class NotFound(Exception):
    """No such resource (the transaction look-up's 404)."""


@dataclass(frozen=True)
class Request:
    kiosk_id: str
    branch_id: str
    idempotency_key: str | None
    body: dict[str, Any]
    path: dict[str, str]


def _now() -> datetime:
    return datetime.now().astimezone()


def _stamp(moment: datetime | None = None) -> str:
    return (moment or _now()).isoformat(timespec="seconds")


def _new_id(prefix: str) -> str:
    return f"{prefix}{_now():%Y%m%d}{secrets.token_hex(5).upper()}"


def _age(id_number: str, today: date) -> int:
    return age_on(birth_date_of(id_number), today)


def _photo_usable(b64: str) -> bool:
    try:
        photo = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    return photo.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) and len(photo) > 100


def _weak_pin(pin: str, id_number: str) -> bool:
    """Six digits that are guessable: one digit, a run up or down, the birth date, the ID's end."""
    if len(pin) != 6 or len(set(pin)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        return True
    yyyy, mm, dd = id_number[6:10], id_number[10:12], id_number[12:14]
    return pin in {
        yyyy[2:] + mm + dd,
        mm + dd + yyyy[2:],
        dd + mm + yyyy[2:],
        yyyy + mm,
        id_number[-7:-1],
        id_number[-6:],
    }


def _rank(priority: str, booked: bool) -> int:
    return 1 if booked or priority != "normal" else 0


class Bank:
    def __init__(self, pin_key: bytes):
        self.pin_key = pin_key

    # identity and SMS -----------------------------------------------------------------------

    def verify_identity(self, tx: Tx, req: Request) -> dict[str, Any]:
        id_number, name = req.body["id_number"], req.body["name"]
        if id_number_problem(id_number) is not None:
            raise Decline("id_number_invalid")
        person = tx.one("SELECT * FROM persons WHERE id_number = ?", id_number)
        if person and person["reported_lost"]:
            raise Decline("id_reported_lost")
        if person and person["name"] != name:
            raise Decline("name_mismatch")
        if not _photo_usable(req.body["face_photo"]):
            raise Decline("face_photo_unusable")
        customer = tx.one("SELECT customer_id FROM customers WHERE id_number = ?", id_number)
        verification_id = _new_id("V")
        age = _age(id_number, date.today())
        tx.run(
            "INSERT INTO verifications VALUES (?, ?, ?, ?)",
            verification_id,
            id_number,
            age,
            _stamp(),
        )
        log.info("identity %s verified (%s)", mask_id_number(id_number), verification_id)
        return {
            "verification_id": verification_id,
            "reference": verification_id,
            "customer_id": customer["customer_id"] if customer else None,
            "age": age,
        }

    def send_otp(self, tx: Tx, req: Request) -> dict[str, Any]:
        phone, now = req.body["phone"], time.time()
        # a code's sending time is its expiry less its lifetime
        sent = tx.all(
            "SELECT expires_at - ? AS sent_at, verified FROM otps"
            " WHERE phone = ? AND expires_at > ? ORDER BY expires_at",
            OTP_LIFETIME_S,
            phone,
            now - 86400 + OTP_LIFETIME_S,
        )
        # asking again while the last code is still unused and fresh is what the wait stops
        if sent and not sent[-1]["verified"] and now - sent[-1]["sent_at"] < OTP_RESEND_S:
            wait = OTP_RESEND_S - (now - sent[-1]["sent_at"])
            raise Decline("otp_resend_too_soon", seconds=math.ceil(wait))
        if len(sent) >= OTP_SENDS_A_DAY:
            raise Decline("otp_send_limit")
        otp_id, code = _new_id("O"), f"{secrets.randbelow(10**6):06d}"
        tx.run(
            "INSERT INTO otps VALUES (?, ?, ?, ?, 0, 0)",
            otp_id,
            phone,
            code,
            time.time() + OTP_LIFETIME_S,
        )
        # the sandbox's "SMS gateway": the code goes to the log (246810 works as well)
        log.warning("SMS to %s: your code is %s (%s)", mask_phone(phone), code, otp_id)
        return {
            "otp_id": otp_id,
            "phone_masked": mask_phone(phone),
            "expires_in_s": OTP_LIFETIME_S,
            "resend_after_s": OTP_RESEND_S,
            "sends_left": OTP_SENDS_A_DAY - len(sent) - 1,
        }

    def verify_otp(self, tx: Tx, req: Request) -> dict[str, Any]:
        otp = tx.one("SELECT * FROM otps WHERE otp_id = ?", req.body["otp_id"])
        if otp is None:
            raise Decline("otp_unknown")
        if otp["tries"] >= OTP_TRIES:
            raise Decline("otp_tries_exceeded")
        if otp["expires_at"] < time.time():
            raise Decline("otp_expired")
        if req.body["code"] not in (otp["code"], TEST_OTP_CODE):
            tries = otp["tries"] + 1
            tx.run("UPDATE otps SET tries = ? WHERE otp_id = ?", tries, otp["otp_id"])
            if tries >= OTP_TRIES:
                raise Decline("otp_tries_exceeded")
            raise Decline("otp_wrong", tries_left=OTP_TRIES - tries)
        tx.run("UPDATE otps SET verified = 1 WHERE otp_id = ?", otp["otp_id"])
        return {"otp_id": otp["otp_id"], "verified": True}

    # accounts and cards ---------------------------------------------------------------------

    def open_account(self, tx: Tx, req: Request) -> dict[str, Any]:
        b = req.body
        verification = tx.one(
            "SELECT * FROM verifications WHERE verification_id = ?", b["verification_id"]
        )
        if verification is None or verification["id_number"] != b["id_number"]:
            raise Decline("verification_unknown")
        otp = tx.one("SELECT * FROM otps WHERE otp_id = ? AND verified = 1", b["otp_id"])
        if otp is None:
            raise Decline("otp_unknown")
        if otp["phone"] != b["phone"]:
            raise Decline("phone_mismatch")
        if b["account_class"] not in PRODUCT_CLASSES[b["product"]]:
            raise Decline("product_unknown")
        customer = tx.one("SELECT * FROM customers WHERE id_number = ?", b["id_number"])
        if (
            customer
            and b["account_class"] == "I"
            and tx.one(
                "SELECT 1 AS x FROM accounts WHERE customer_id = ? AND account_class = 'I'",
                customer["customer_id"],
            )
        ):
            raise Decline("class_i_account_exists")
        if verification["age"] >= STAFF_AUTHORISATION_AGE and not self._authorised(
            tx, req, b.get("staff_authorisation_id"), "account_opening"
        ):
            raise Decline("staff_authorisation_required")
        pin_check = None
        if "pin_check_id" in b:
            pin_check = tx.one(
                "SELECT * FROM pin_checks WHERE pin_check_id = ? AND"
                " verification_id = ? AND expires_at > ?",
                b["pin_check_id"],
                b["verification_id"],
                time.time(),
            )
            if pin_check is None:
                raise Decline("pin_check_unknown")
        now = _stamp()
        if customer is None:
            customer = {"customer_id": _new_id("C")}
            tx.run(
                "INSERT INTO customers VALUES (?, ?, ?, ?, ?, 0, ?)",
                customer["customer_id"],
                b["id_number"],
                b["name"],
                b["phone"],
                b["address"],
                now,
            )
        account = req.branch_id + f"{secrets.randbelow(10**12):012d}"
        tx.run(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, 0, ?)",
            account,
            customer["customer_id"],
            b["account_class"],
            b["product"],
            now,
        )
        if pin_check:
            tx.run("INSERT INTO account_pins VALUES (?, ?)", account, pin_check["pin_hash"])
        log.info(
            "account %s (class %s) opened for %s",
            mask_pan(account),
            b["account_class"],
            mask_id_number(b["id_number"]),
        )
        return {
            "customer_id": customer["customer_id"],
            "account_number": account,
            "account_class": b["account_class"],
            "product": b["product"],
            "reference": _new_id("A"),
            "opened_at": now,
        }

    def check_new_pin(self, tx: Tx, req: Request) -> dict[str, Any]:
        b = req.body
        verification = tx.one(
            "SELECT * FROM verifications WHERE verification_id = ?", b["verification_id"]
        )
        if verification is None:
            raise Decline("verification_unknown")
        try:
            pin, again = (
                decode_pin_block(bytes.fromhex(b[k]), b["pan"], self.pin_key)
                for k in ("pin_block", "pin_block_repeat")
            )
        except PinBlockError:
            raise Decline("pin_block_invalid") from None
        if pin != again:
            raise Decline("pins_differ")
        if _weak_pin(pin, verification["id_number"]):
            raise Decline("pin_weak")
        check_id = _new_id("N")
        tx.run(
            "INSERT INTO pin_checks VALUES (?, ?, ?, ?)",
            check_id,
            b["verification_id"],
            secret_hash(pin),
            time.time() + PIN_CHECK_LIFETIME_S,
        )
        return {"pin_check_id": check_id, "reference": check_id}

    def find_accounts_awaiting_card(self, tx: Tx, req: Request) -> dict[str, Any]:
        verification = tx.one(
            "SELECT * FROM verifications WHERE verification_id = ?", req.path["verification_id"]
        )
        if verification is None:
            raise Decline("verification_unknown")
        accounts = tx.all(
            "SELECT a.account_number, a.account_class, a.product FROM accounts a JOIN customers"
            " c ON c.customer_id = a.customer_id WHERE c.id_number = ? AND a.product <>"
            " 'e_account' AND NOT EXISTS (SELECT 1 FROM cards k WHERE k.account_number ="
            " a.account_number AND k.status <> 'reversed') ORDER BY a.opened_at",
            verification["id_number"],
        )
        return {"accounts": accounts}

    def _authorised(
        self, tx: Tx, req: Request, authorisation_id: str | None, operation: str
    ) -> bool:
        return (
            authorisation_id is not None
            and tx.one(
                "SELECT 1 AS x FROM authorisations WHERE authorisation_id = ? AND operation = ?"
                " AND kiosk_id = ?",
                authorisation_id,
                operation,
                req.kiosk_id,
            )
            is not None
        )

    def issue_card(self, tx: Tx, req: Request) -> dict[str, Any]:
        b = req.body
        account = b["account_number"]
        if tx.one("SELECT 1 AS x FROM accounts WHERE account_number = ?", account) is None:
            raise Decline("account_not_found")
        if tx.one(
            "SELECT 1 AS x FROM cards WHERE account_number = ? AND status <> 'reversed'", account
        ):
            raise Decline("account_has_card")
        if tx.one("SELECT 1 AS x FROM cards WHERE card_serial = ?", b["card_serial"]):
            raise Decline("card_serial_in_use")
        pin_hash = self._card_pin(tx, account, b.get("pin_block"))
        pan = self._new_pan(tx)
        tx.run(
            "INSERT INTO cards VALUES (?, ?, ?, 'active', ?, 0, ?)",
            pan,
            b["card_serial"],
            account,
            pin_hash,
            f"{req.kiosk_id}/{req.idempotency_key}",
        )
        log.info(
            "card %s (serial %s) bound to account %s",
            mask_pan(pan),
            b["card_serial"],
            mask_pan(account),
        )
        return {
            "card_id": _new_id("K"),
            "card_serial": b["card_serial"],
            "pan_masked": mask_pan(pan),
            "last4": pan[-4:],
            "account_number_masked": mask_pan(account),
            "reference": _new_id("I"),
        }

    def _card_pin(self, tx: Tx, account: str, pin_block: str | None) -> str:
        """The new card's PIN hash: from its own PIN block, or the one set at opening."""
        if pin_block is None:
            opened = tx.one("SELECT pin_hash FROM account_pins WHERE account_number = ?", account)
            if opened is None:
                raise Decline("pin_required")
            pin_hash: str = opened["pin_hash"]
            return pin_hash
        try:
            return secret_hash(decode_pin_block(bytes.fromhex(pin_block), account, self.pin_key))
        except PinBlockError:
            raise Decline("pin_block_invalid") from None

    @staticmethod
    def _new_pan(tx: Tx) -> str:
        while True:
            body = "62284800" + f"{secrets.randbelow(10**10):010d}"
            pan = body + luhn_check_digit(body)
            if tx.one("SELECT 1 AS x FROM cards WHERE pan = ?", pan) is None:
                return pan

    def reverse_card_binding(self, tx: Tx, req: Request) -> dict[str, Any]:
        original = req.body["original_idempotency_key"]
        card = tx.one("SELECT * FROM cards WHERE issued_by = ?", f"{req.kiosk_id}/{original}")
        if card is None:
            raise Decline("original_not_found")
        tx.run("UPDATE cards SET status = 'reversed' WHERE pan = ?", card["pan"])
        tx.run(
            "UPDATE idempotency SET outcome = 'reversed' WHERE kiosk_id = ? AND idem_key = ?",
            req.kiosk_id,
            original,
        )
        log.info("card binding %s reversed (%s)", mask_pan(card["pan"]), req.body["reason"])
        return {"reference": _new_id("X"), "card_serial": card["card_serial"], "status": "reversed"}

    def verify_card_pin(self, tx: Tx, req: Request) -> dict[str, Any]:
        pan = req.body["pan"]
        card = tx.one(
            "SELECT * FROM cards c JOIN accounts a ON a.account_number ="
            " c.account_number JOIN customers u ON u.customer_id = a.customer_id"
            " WHERE c.pan = ? AND c.status <> 'reversed'",
            pan,
        )
        if card is None:
            raise Decline("card_unknown")
        if card["status"] == "frozen":
            raise Decline("card_frozen")
        if card["status"] == "locked":
            raise Decline("card_locked")
        try:
            pin = decode_pin_block(bytes.fromhex(req.body["pin_block"]), pan, self.pin_key)
        except PinBlockError:
            raise Decline("pin_block_invalid") from None
        if not secret_matches(pin, card["pin_hash"]):
            tries = card["pin_tries"] + 1
            locked = tries >= PIN_TRIES
            tx.run(
                "UPDATE cards SET pin_tries = ?, status = ? WHERE pan = ?",
                tries,
                "locked" if locked else card["status"],
                pan,
            )
            log.info("wrong PIN for card %s (%d of %d)", mask_pan(pan), tries, PIN_TRIES)
            if locked:
                raise Decline("card_locked")
            raise Decline("pin_wrong", tries_left=PIN_TRIES - tries)
        tx.run("UPDATE cards SET pin_tries = 0 WHERE pan = ?", pan)
        token = secrets.token_urlsafe(24)
        tx.run(
            "INSERT INTO card_tokens VALUES (?, ?, ?)",
            token,
            pan,
            time.time() + CARD_TOKEN_LIFETIME_S,
        )
        age = _age(card["id_number"], date.today())
        priority = "vip" if card["vip"] else "senior" if age >= SENIOR_AGE else "normal"
        return {
            "card_token": token,
            "reference": _new_id("P"),
            "customer_id": card["customer_id"],
            "customer_name_masked": mask_name(card["name"]),
            "pan_masked": mask_pan(pan),
            "account_number_masked": mask_pan(card["account_number"]),
            "priority": priority,
            "expires_in_s": CARD_TOKEN_LIFETIME_S,
        }

    # bills ----------------------------------------------------------------------------------

    def list_billers(self, tx: Tx, req: Request) -> dict[str, Any]:
        return {
            "billers": tx.all("SELECT biller_id, name, category FROM billers ORDER BY biller_id")
        }

    def _bill(self, tx: Tx, biller_id: str, bill_number: str) -> dict[str, Any]:
        if tx.one("SELECT 1 AS x FROM billers WHERE biller_id = ?", biller_id) is None:
            raise Decline("biller_unknown")
        bill = tx.one(
            "SELECT * FROM bills WHERE biller_id = ? AND bill_number = ?", biller_id, bill_number
        )
        if bill is None:
            raise Decline("bill_not_found")
        return bill

    def look_up_bill(self, tx: Tx, req: Request) -> dict[str, Any]:
        bill = self._bill(tx, req.path["biller_id"], req.path["bill_number"])
        return {
            "biller_id": bill["biller_id"],
            "bill_number": bill["bill_number"],
            "holder_masked": mask_name(bill["holder_name"]),
            "amount_due_fen": bill["amount_due_fen"],
            "currency": "CNY",
            "status": bill["status"],
        }

    def pay_bill(self, tx: Tx, req: Request) -> dict[str, Any]:
        b = req.body
        card = tx.one(
            "SELECT c.pan, c.status, a.account_number, a.balance_fen FROM card_tokens t"
            " JOIN cards c ON c.pan = t.pan JOIN accounts a ON"
            " a.account_number = c.account_number WHERE t.token = ? AND"
            " t.expires_at > ?",
            b["card_token"],
            time.time(),
        )
        if card is None:
            raise Decline("card_token_expired")
        if card["status"] != "active":
            raise Decline("card_frozen")
        bill = self._bill(tx, b["biller_id"], b["bill_number"])
        if bill["status"] == "paid":
            raise Decline("bill_already_paid")
        if b["amount_fen"] != bill["amount_due_fen"]:
            raise Decline("amount_mismatch", amount_due=f"{bill['amount_due_fen'] / 100:.2f}")
        if card["balance_fen"] < b["amount_fen"]:
            raise Decline("insufficient_funds")
        reference, now = _new_id("B"), _stamp()
        tx.run(
            "UPDATE accounts SET balance_fen = balance_fen - ? WHERE account_number = ?",
            b["amount_fen"],
            card["account_number"],
        )
        tx.run(
            "UPDATE bills SET status = 'paid' WHERE biller_id = ? AND bill_number = ?",
            b["biller_id"],
            b["bill_number"],
        )
        tx.run(
            "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?)",
            reference,
            b["biller_id"],
            b["bill_number"],
            b["amount_fen"],
            card["account_number"],
            now,
        )
        log.info(
            "bill %s/%s paid from card %s: %d fen (%s)",
            b["biller_id"],
            b["bill_number"],
            mask_pan(card["pan"]),
            b["amount_fen"],
            reference,
        )
        return {
            "reference": reference,
            "biller_id": b["biller_id"],
            "bill_number": b["bill_number"],
            "amount_fen": b["amount_fen"],
            "paid_at": now,
            "status": "done",
        }

    # appointments and the queue -------------------------------------------------------------

    def find_appointments(self, tx: Tx, req: Request) -> dict[str, Any]:
        b = req.body
        if "qr_token" in b:
            rows = tx.all("SELECT * FROM appointments WHERE qr_token = ?", b["qr_token"])
        elif "id_number" in b:
            rows = tx.all("SELECT * FROM appointments WHERE id_number = ?", b["id_number"])
        else:
            rows = tx.all(
                "SELECT * FROM appointments WHERE phone = ? AND booking_code = ?",
                b["phone"],
                b["booking_code"],
            )
        return {"appointments": [self._appointment(r) for r in rows]}

    @staticmethod
    def _appointment(row: dict[str, Any]) -> dict[str, Any]:
        minutes = (datetime.fromisoformat(row["scheduled_at"]) - _now()) / timedelta(minutes=1)
        timing = "early" if minutes > EARLY_MIN else "late" if minutes < -LATE_MIN else "on_time"
        return {
            "appointment_id": row["appointment_id"],
            "branch_id": row["branch_id"],
            "service": row["service"],
            "scheduled_at": row["scheduled_at"],
            "status": row["status"],
            "timing": timing,
            "priority": row["priority"],
            "customer_name_masked": mask_name(row["customer_name"]),
        }

    def check_in(self, tx: Tx, req: Request) -> dict[str, Any]:
        row = tx.one(
            "SELECT * FROM appointments WHERE appointment_id = ?", req.path["appointment_id"]
        )
        if row is None:
            raise Decline("appointment_not_found")
        appointment = self._appointment(row)
        if row["status"] == "checked_in":
            raise Decline("appointment_already_checked_in")
        if appointment["timing"] != "on_time":
            raise Decline(f"appointment_{appointment['timing']}")
        tx.run(
            "UPDATE appointments SET status = 'checked_in' WHERE appointment_id = ?",
            row["appointment_id"],
        )
        ticket = self._ticket(
            tx, req, row["branch_id"], row["service"], row["priority"], booked=True
        )
        tx.run(
            "INSERT INTO ticket_details VALUES (?, ?, NULL)",
            ticket["reference"],
            row["appointment_id"],
        )
        return {
            "reference": ticket["reference"],
            "ticket": ticket,
            "appointment": {**appointment, "status": "checked_in"},
        }

    def reprint_check_in_ticket(self, tx: Tx, req: Request) -> dict[str, Any]:
        row = tx.one(
            "SELECT t.* FROM ticket_details d JOIN tickets t ON t.reference = d.reference"
            " WHERE d.appointment_id = ?",
            req.path["appointment_id"],
        )
        if row is None:
            known = tx.one(
                "SELECT 1 FROM appointments WHERE appointment_id = ?", req.path["appointment_id"]
            )
            raise Decline("appointment_not_checked_in" if known else "appointment_not_found")
        ahead = tx.all(
            "SELECT service FROM tickets WHERE branch_id = ? AND day = ? AND rank >= ?"
            " AND issued_at < ?",
            row["branch_id"],
            row["day"],
            row["rank"],
            row["issued_at"],
        )
        return {
            "ticket_number": row["ticket_number"],
            "reference": row["reference"],
            "branch_id": row["branch_id"],
            "service": row["service"],
            "priority": row["priority"],
            "people_ahead": len(ahead),
            "estimated_wait_min": sum(SERVICE_MINUTES[a["service"]] for a in ahead),
            "issued_at": row["issued_at"],
        }

    def take_queue_ticket(self, tx: Tx, req: Request) -> dict[str, Any]:
        priority = "normal"
        if "customer_id" in req.body:
            customer = tx.one(
                "SELECT id_number, vip FROM customers WHERE customer_id = ?",
                req.body["customer_id"],
            )
            if customer and customer["vip"]:
                priority = "vip"
            elif customer and _age(customer["id_number"], date.today()) >= SENIOR_AGE:
                priority = "senior"
        ticket = self._ticket(tx, req, req.branch_id, req.body["service"], priority, booked=False)
        if "reason" in req.body:  # the teller sees why the guide sent them
            tx.run(
                "INSERT INTO ticket_details VALUES (?, NULL, ?)",
                ticket["reference"],
                req.body["reason"],
            )
            ticket["reason"] = req.body["reason"]
        return ticket

    def _ticket(
        self, tx: Tx, req: Request, branch: str, service: str, priority: str, booked: bool
    ) -> dict[str, Any]:
        now = _now()
        day = now.date().isoformat()
        prefix = {"vip": "V", "senior": "C"}.get(priority, "B" if booked else "A")
        # the counter row is locked by the UPDATE until commit: numbers never repeat, and the
        # people ahead counted under the lock are exactly the tickets numbered before
        tx.run(
            "INSERT INTO queue_counters VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING",
            branch,
            day,
            prefix,
        )
        number = tx.all(  # the counter row was just made: exactly one row comes back
            "UPDATE queue_counters SET last_number = last_number + 1 WHERE"
            " branch_id = ? AND day = ? AND prefix = ? RETURNING last_number",
            branch,
            day,
            prefix,
        )[0]["last_number"]
        rank = _rank(priority, booked)
        waiting = tx.all(
            "SELECT service, COUNT(*) AS n FROM tickets WHERE branch_id = ? AND day = ?"
            " AND rank >= ? GROUP BY service",
            branch,
            day,
            rank,
        )
        ticket = {
            "ticket_number": f"{prefix}{number:03d}",
            "reference": _new_id("T"),
            "branch_id": branch,
            "service": service,
            "priority": priority,
            "people_ahead": sum(w["n"] for w in waiting),
            "estimated_wait_min": sum(SERVICE_MINUTES[w["service"]] * w["n"] for w in waiting),
            "issued_at": _stamp(now),
        }
        tx.run(
            "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ticket["reference"],
            branch,
            day,
            ticket["ticket_number"],
            service,
            priority,
            rank,
            req.kiosk_id,
            ticket["issued_at"],
        )
        return ticket

    def count_counter_tickets(self, tx: Tx, req: Request) -> dict[str, Any]:
        branch, day = req.path["branch_id"], req.path["day"]
        row = tx.one(
            "SELECT COUNT(*) AS n FROM tickets WHERE branch_id = ? AND day = ?", branch, day
        )
        return {"branch_id": branch, "day": day, "count": row["n"] if row else 0}

    # offers ---------------------------------------------------------------------------------

    def find_offer(self, tx: Tx, req: Request) -> dict[str, Any]:
        offer = tx.one(
            "SELECT offer_id, product FROM offers WHERE customer_id = ?", req.path["customer_id"]
        )
        return {"offers": [offer] if offer else []}

    # staff and the kiosk itself -------------------------------------------------------------

    def authorise_by_staff(self, tx: Tx, req: Request) -> dict[str, Any]:
        b = req.body
        moment = time.time()
        failures = tx.one("SELECT * FROM staff_failures WHERE staff_id = ?", b["staff_id"])
        if failures is not None and failures["locked_until"] > moment:
            raise Decline(
                "staff_locked", minutes=math.ceil((failures["locked_until"] - moment) / 60)
            )
        staff = tx.one("SELECT * FROM staff WHERE staff_id = ?", b["staff_id"])
        if staff is None or not staff["active"] or not self._staff_proved(tx, staff, b):
            # Counted per staff number, known or not, so guessing numbers gains nothing.
            count = (failures["failures"] if failures else 0) + 1
            locked_until = moment + STAFF_LOCK_S if count >= STAFF_TRIES else 0.0
            tx.run(
                "INSERT INTO staff_failures VALUES (?, ?, ?) ON CONFLICT (staff_id) DO UPDATE SET"
                " failures = excluded.failures, locked_until = excluded.locked_until",
                b["staff_id"],
                0 if locked_until else count,
                locked_until,
            )
            log.warning(
                "staff authorisation refused for staff %s at %s (%d)",
                b["staff_id"],
                req.kiosk_id,
                count,
            )
            if locked_until:
                raise Decline("staff_locked", minutes=STAFF_LOCK_S // 60)
            raise Decline("staff_refused")
        if failures is not None:
            tx.run("DELETE FROM staff_failures WHERE staff_id = ?", b["staff_id"])
        if b["operation"] not in STAFF_MAY_AUTHORISE[staff["role"]]:
            raise Decline("staff_not_permitted")
        authorisation_id, now = _new_id("S"), _stamp()
        tx.run(
            "INSERT INTO authorisations VALUES (?, ?, ?, ?, ?)",
            authorisation_id,
            staff["staff_id"],
            b["operation"],
            req.kiosk_id,
            now,
        )
        log.info("staff %s authorised %s at %s", staff["staff_id"], b["operation"], req.kiosk_id)
        return {
            "authorisation_id": authorisation_id,
            "reference": authorisation_id,
            "staff_id": staff["staff_id"],
            "staff_name": staff["name"],
            "role": staff["role"],
            "operation": b["operation"],
            "authorised_at": now,
        }

    def get_journal_head(self, tx: Tx, req: Request) -> dict[str, Any]:
        row = tx.one("SELECT head, received_at FROM journal_heads WHERE kiosk_id = ?", req.kiosk_id)
        if row is None:
            raise NotFound()
        return {"head": row["head"], "received_at": row["received_at"]}

    def keep_journal_head(self, tx: Tx, kiosk_id: str, head: str) -> None:
        """The last head seen wins; a head going backwards is kept too, and logged: the
        journal was begun anew or replaced, and `kiosk journal verify` will say which."""
        row = tx.one("SELECT head FROM journal_heads WHERE kiosk_id = ?", kiosk_id)
        if row and int(row["head"].split(":")[0]) > int(head.split(":")[0]):
            log.warning(
                "kiosk %s: journal head went back from %s to %s", kiosk_id, row["head"], head
            )
        tx.run(
            "INSERT INTO journal_heads VALUES (?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE SET"
            " head = excluded.head, received_at = excluded.received_at",
            kiosk_id,
            head,
            _stamp(),
        )

    def _staff_proved(self, tx: Tx, staff: dict[str, Any], b: dict[str, Any]) -> bool:
        """The staff card's PIN (its block carries the staff number as the account), or the
        password."""
        if "pin_block" not in b:
            return secret_matches(b.get("password", ""), staff["password_hash"])
        card = tx.one("SELECT pin_hash FROM staff_cards WHERE staff_id = ?", staff["staff_id"])
        try:
            pin = decode_pin_block(bytes.fromhex(b["pin_block"]), staff["staff_id"], self.pin_key)
        except PinBlockError:
            return False
        return card is not None and secret_matches(pin, card["pin_hash"])

    def send_heartbeat(self, tx: Tx, req: Request) -> dict[str, Any]:
        now = _stamp()
        tx.run(
            "INSERT INTO heartbeats VALUES (?, ?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE SET"
            " state = excluded.state, body = excluded.body,"
            " received_at = excluded.received_at",
            req.kiosk_id,
            req.body["state"],
            json.dumps(req.body),
            now,
        )
        return {"received_at": now}

    def call_staff(self, tx: Tx, req: Request) -> dict[str, Any]:
        call_id, now = _new_id("H"), _stamp()
        tx.run(
            "INSERT INTO staff_calls VALUES (?, ?, ?, ?, ?)",
            call_id,
            req.kiosk_id,
            req.body["reason"],
            req.body.get("language"),
            now,
        )
        log.warning("staff called to %s: %s", req.kiosk_id, req.body["reason"])
        return {
            "call_id": call_id,
            "reference": call_id,
            "reason": req.body["reason"],
            "queued_at": now,
        }

    def look_up_transaction(self, tx: Tx, req: Request) -> dict[str, Any]:
        row = tx.one(
            "SELECT * FROM idempotency WHERE kiosk_id = ? AND idem_key = ?",
            req.kiosk_id,
            req.path["idempotency_key"],
        )
        if row is None:
            # Sealed: a request still on its way under this key (held on the line) must not
            # be carried out after the kiosk was told it never was; it will be refused as a
            # reused key.
            tx.run(
                "INSERT INTO idempotency VALUES (?, ?, 'sealed', '', 404, '{}', 'sealed', NULL, ?)"
                " ON CONFLICT DO NOTHING",
                req.kiosk_id,
                req.path["idempotency_key"],
                _stamp(),
            )
            raise NotFound()
        if row["outcome"] == "sealed":
            raise NotFound()
        return {
            "idempotency_key": row["idem_key"],
            "operation": row["operation"],
            "http_status": row["http_status"],
            "outcome": row["outcome"],
            "reference": row["reference"],
            "response": json.loads(row["response"]),
        }
