"""The demo people, cards, bills, bookings and staff of docs/demo-data.md (keep them in step)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from hardware.luhn import luhn_check_digit
from kiosk.sandbox.db import Tx

# id number, name, phone, reported lost
PERSONS = [
    ("110105198805120237", "王小明", "13800138000", 0),
    ("222401195003080469", "金顺姬", "13900139000", 0),
    ("310104197811200176", "李华", "13700137000", 0),
    ("440305199207150382", "陈静", "13600136000", 1),
    ("320102199403250527", "赵丽", "13500135000", 0),
]
# customer id, id number, VIP, account number, class, product, balance (fen),
# card PAN, card serial, card status, PIN
CUSTOMERS = [
    (
        "C1001",
        "110105198805120237",
        0,
        "0101200000000011",
        "I",
        "standard_debit",
        100_000,
        "6228480012345678010",
        "CS-DEMO-0001",
        "active",
        "147258",
    ),
    (
        "C1002",
        "222401195003080469",
        0,
        "0101200000000029",
        "I",
        "senior_debit",
        300_000,
        "6228480012345678028",
        "CS-DEMO-0002",
        "active",
        "258369",
    ),
    (
        "C1003",
        "310104197811200176",
        1,
        "0101200000000037",
        "I",
        "standard_debit",
        20_000_000,
        "6228480012345678036",
        "CS-DEMO-0003",
        "active",
        "369147",
    ),
    (
        "C1004",
        "440305199207150382",
        0,
        "0101200000000045",
        "I",
        "standard_debit",
        80_000,
        "6228480012345678044",
        "CS-DEMO-0004",
        "frozen",
        "741852",
    ),
]
BILLERS = [
    ("water", "自来水公司", "utility"),
    ("electricity", "电力公司", "utility"),
    ("gas", "燃气公司", "utility"),
    ("phone", "电信运营商", "telecom"),
    ("property", "物业管理公司", "property"),
]
# biller, bill number, holder, amount due (fen), status
BILLS = [
    ("water", "1001234567", "王小明", 8_650, "due"),
    ("electricity", "2002345678", "王小明", 21_308, "due"),
    ("gas", "3003456789", "金顺姬", 4_500, "due"),
    ("phone", "13800138000", "王小明", 12_800, "due"),
    ("property", "5005678901", "李华", 156_000, "due"),
    ("water", "1009999999", "陈静", 0, "paid"),
]
# token, id number, phone, booking code, service, minutes from now, priority
APPOINTMENTS = [
    ("APT-7F3K9Q", "110105198805120237", "13800138000", "4321", "wealth_advice", 10, "normal"),
    ("APT-2M8X4R", "222401195003080469", "13900139000", "5678", "pension_account", 5, "senior"),
    ("APT-9VIP01", "310104197811200176", "13700137000", "2468", "large_cash_withdrawal", 20, "vip"),
    ("APT-LATE77", "320102199403250527", "13500135000", "1357", "card_replacement", -120, "normal"),
    (
        "APT-EARLY1",
        "110105198805120237",
        "13800138000",
        "9999",
        "loan_consultation",
        24 * 60,
        "normal",
    ),
]
# staff id, name, role, password, active
STAFF = [
    ("800101", "周敏", "lobby_manager", "802468", 1),
    ("800102", "吴强", "supervisor", "913579", 1),
    ("800103", "郑洁", "teller", "246802", 1),
    ("800104", "孙磊", "lobby_manager", "135791", 0),
]
# The PIN of each staff card (柜员卡), keyed on the PIN pad when staff authorise at a kiosk
STAFF_CARD_PINS = {"800101": "147258", "800102": "258147", "800103": "741852"}
# Offers for the customers who consented to being offered products (陈静 did not):
# customer id, offer id, product
OFFERS = [
    ("C1001", "savings_plan", "standard_debit"),
    ("C1002", "pension_plan", "senior_debit"),
    ("C1003", "wealth_review", "standard_debit"),
]
BRANCH = "0101"


def secret_hash(secret: str, salt: str | None = None) -> str:
    """A salted PBKDF2 of a PIN or staff password: 'salt$hash'."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), 10_000).hex()
    return f"{salt}${digest}"


def secret_matches(secret: str, stored: str) -> bool:
    salt = stored.split("$", 1)[0]
    return secrets.compare_digest(secret_hash(secret, salt), stored)


def seed(tx: Tx, now: datetime) -> None:
    """Fills an empty database."""
    stamp = now.isoformat(timespec="seconds")
    for person in PERSONS:
        tx.run("INSERT INTO persons VALUES (?, ?, ?, ?)", *person)
    names = {p[0]: (p[1], p[2]) for p in PERSONS}
    for (
        cid,
        id_number,
        vip,
        account,
        klass,
        product,
        balance,
        pan,
        serial,
        status,
        pin,
    ) in CUSTOMERS:
        name, phone = names[id_number]
        tx.run(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?)",
            cid,
            id_number,
            name,
            phone,
            "北京市东城区示范路1号",
            vip,
            stamp,
        )
        tx.run(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)",
            account,
            cid,
            klass,
            product,
            balance,
            stamp,
        )
        tx.run(
            "INSERT INTO cards VALUES (?, ?, ?, ?, ?, 0, NULL)",
            pan,
            serial,
            account,
            status,
            secret_hash(pin),
        )
    for biller in BILLERS:
        tx.run("INSERT INTO billers VALUES (?, ?, ?)", *biller)
    for bill in BILLS:
        tx.run("INSERT INTO bills VALUES (?, ?, ?, ?, ?)", *bill)
    book_demo_appointments(tx, now)
    for offer in OFFERS:
        tx.run("INSERT INTO offers VALUES (?, ?, ?)", *offer)
    for staff_id, name, role, password, active in STAFF:
        tx.run(
            "INSERT INTO staff VALUES (?, ?, ?, ?, ?)",
            staff_id,
            name,
            role,
            secret_hash(password),
            active,
        )
    for staff_id, pin in STAFF_CARD_PINS.items():
        tx.run("INSERT INTO staff_cards VALUES (?, ?)", staff_id, secret_hash(pin))


def book_demo_appointments(tx: Tx, now: datetime) -> None:
    """(Re)books the demo appointments for today, relative to `now`, so a sandbox kept from
    an earlier day still has bookings to check in to."""
    names = {p[0]: p[1] for p in PERSONS}
    for token, *_ in APPOINTMENTS:
        tx.run("DELETE FROM appointments WHERE appointment_id = ?", token)
    for token, id_number, phone, code, service, minutes, priority in APPOINTMENTS:
        at = (now + timedelta(minutes=minutes)).isoformat(timespec="seconds")
        tx.run(
            "INSERT INTO appointments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked')",
            token,
            token,
            phone,
            code,
            id_number,
            names[id_number],
            BRANCH,
            service,
            at,
            priority,
        )
    tx.run(
        "INSERT INTO meta VALUES ('demo_day', ?) ON CONFLICT (name) DO UPDATE SET value = ?",
        now.date().isoformat(),
        now.date().isoformat(),
    )


@dataclass(frozen=True)
class Visitor:
    """A customer made up for a benchmark or a soak: an account with a card and its PIN, a water
    bill due and a booking due now (on time for check-in for the next 40 minutes)."""

    number: int
    id_number: str
    phone: str
    account_number: str
    pan: str
    pin: str
    bill_number: str
    amount_due_fen: int
    appointment_id: str
    booking_code: str

    @property
    def qr_token(self) -> str:
        return self.appointment_id


VISITOR_BILLER = "water"
VISITOR_BALANCE_FEN = 10_000_000
VISITOR_MINUTES_AHEAD = 25  # on time from 30 min before (EARLY_MIN) to 15 after (LATE_MIN)


def seed_visitors(tx: Tx, now: datetime, count: int, first: int = 0) -> list[Visitor]:
    """Seeds `count` visitors numbered from `first` (numbers never reused in one database), so
    a benchmark never pays one bill or checks in to one booking twice. Their cards share one
    PIN made here at random (hashed once: PBKDF2 per card would take most of the seeding)."""
    stamp = now.isoformat(timespec="seconds")
    at = (now + timedelta(minutes=VISITOR_MINUTES_AHEAD)).isoformat(timespec="seconds")
    pin = "".join(secrets.choice("0123456789") for _ in range(6))
    pin_hash = secret_hash(pin)
    visitors = []
    for n in range(first, first + count):
        name = PERSONS[n % len(PERSONS)][1]
        pan_body = f"622848{n:012d}"
        v = Visitor(
            number=n,
            # region 99 is no province: never a real person's number; born 1980, aged 40-odd
            id_number=f"99000019800{1 + n // 10_000 % 9}01{n % 10_000:04d}",
            phone=f"147{n:08d}",
            account_number=f"0101300{n:09d}",
            pan=pan_body + luhn_check_digit(pan_body),
            pin=pin,
            bill_number=f"7{n:09d}",
            amount_due_fen=1_000 + n % 9_000,
            appointment_id=f"APT-L{n:07d}",
            booking_code=f"{n % 10_000:04d}",
        )
        cid = f"CL{n:08d}"
        tx.run("INSERT INTO persons VALUES (?, ?, ?, 0)", v.id_number, name, v.phone)
        tx.run(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, 0, ?)",
            cid,
            v.id_number,
            name,
            v.phone,
            "-",
            stamp,
        )
        tx.run(
            "INSERT INTO accounts VALUES (?, ?, 'I', 'standard_debit', ?, ?)",
            v.account_number,
            cid,
            VISITOR_BALANCE_FEN,
            stamp,
        )
        tx.run(
            "INSERT INTO cards VALUES (?, ?, ?, 'active', ?, 0, NULL)",
            v.pan,
            f"CS-LOAD-{n:08d}",
            v.account_number,
            pin_hash,
        )
        tx.run(
            "INSERT INTO bills VALUES (?, ?, ?, ?, 'due')",
            VISITOR_BILLER,
            v.bill_number,
            name,
            v.amount_due_fen,
        )
        tx.run(
            "INSERT INTO appointments VALUES"
            " (?, ?, ?, ?, ?, ?, ?, 'general', ?, 'normal', 'booked')",
            v.appointment_id,
            v.appointment_id,
            v.phone,
            v.booking_code,
            v.id_number,
            name,
            BRANCH,
            at,
        )
        visitors.append(v)
    return visitors
