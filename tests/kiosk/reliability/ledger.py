"""Whether a kiosk's journal and its bank tell the same story: every entry settled, every call
the journal calls done done at the bank under the same reference, nothing the journal calls
failed carried out, no bill paid twice, and the money to the fen."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from kiosk.backend import contract
from kiosk.journal import Journal
from kiosk.journal.journal import FINAL, Entry


def _bank_call(operation: str | None) -> bool:
    """A journaled call to the bank (`pay_bill` is payBill), not an event of the kiosk's own."""
    head, *rest = (operation or "").split("_")
    return head + "".join(w.title() for w in rest) in _IDEMPOTENT


_IDEMPOTENT = frozenset(o for o in contract.operation_ids() if contract.takes_idempotency_key(o))
# state-changing calls the kiosk does not journal, by design: they move no money and change
# no identity (a PIN check, an SMS code sent or checked, staff called to the kiosk)
UNJOURNALED = frozenset({"verifyCardPin", "sendOtp", "verifyOtp", "callStaff"})


@dataclass
class _Books:
    """Both sides: the journal's intents and final outcomes, the bank's rows for the kiosk."""

    intents: dict[str, Entry] = field(default_factory=dict)
    final: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    bank: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)  # + operation
    paid_fen: int = 0
    paid_twice: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, journal: Journal, database: Any, kiosk_id: str) -> _Books:
        books = cls()
        for e in journal.entries():
            if e.kind == "intent":
                books.intents[e.idempotency_key] = e
            elif e.kind == "outcome" and e.outcome in FINAL:
                books.final[e.idempotency_key] = (e.outcome, e.reference)
        with database.transaction() as tx:
            rows = tx.all("SELECT * FROM idempotency WHERE kiosk_id = ?", kiosk_id)
            books.bank = {
                r["idem_key"]: (r["outcome"], r["reference"], r["operation"]) for r in rows
            }
            books.paid_fen = sum(r["amount_fen"] for r in tx.all("SELECT * FROM payments"))
            books.paid_twice = [
                f"bill {r['bill_number']} paid {r['n']} times"
                for r in tx.all(
                    "SELECT bill_number, COUNT(*) AS n FROM payments"
                    " GROUP BY bill_number HAVING n > 1"
                )
            ]
        return books

    def done(self, operation: str) -> list[str]:
        return [
            k
            for k, (o, _) in self.final.items()
            if o == "done" and self.intents[k].operation == operation
        ]


def _entry_problem(books: _Books, key: str, intent: Entry, reversed_: set[str]) -> str | None:
    if key not in books.final:
        return f"{intent.operation} {key} still open"
    outcome, reference = books.final[key]
    held = books.bank.get(key)
    said = held[:2] if held else None
    if outcome == "done" and said != ("done", reference):
        if held is None and not _bank_call(intent.operation):
            return None  # the kiosk's own event (a card captured, an ID card left)
        if said is not None and said[0] == "reversed" and key in reversed_:
            return None  # bound, then undone: the journal holds the reversal too
        return f"{intent.operation} {key}: journal done {reference}, bank {said}"
    if outcome in ("failed", "declined") and said and said[0] == "done":
        return f"{intent.operation} {key}: journal {outcome}, bank carried it out"
    return None


def disagreements(
    journal: Journal, database: Any, kiosk_id: str, *, outside: Collection[str] | None = None
) -> list[str]:
    """Where the journal and the bank disagree (empty: they agree entry by entry). With
    `outside` (the bank's keys for this kiosk that were not the kiosk's calls: set-up, a back
    office), the bank's side is checked too: nothing done there that the journal does not
    hold as done."""
    books = _Books.read(journal, database, kiosk_id)
    reversed_ = {books.intents[k].data.get("original") for k in books.done("reverse_card_binding")}
    found = list(books.paid_twice)
    for key, intent in books.intents.items():
        if problem := _entry_problem(books, key, intent, reversed_):
            found.append(problem)
    for key, (outcome, _reference, operation) in books.bank.items():
        if outside is None or outcome != "done" or key in outside or operation in UNJOURNALED:
            continue
        if books.final.get(key, ("",))[0] != "done":
            found.append(f"bank did {operation} {key}, journal {books.final.get(key)}")
    journal_paid = sum(books.intents[k].data["amount_fen"] for k in books.done("pay_bill"))
    if journal_paid != books.paid_fen:
        found.append(f"journal paid {journal_paid} fen, bank ledger {books.paid_fen} fen")
    return found


def bank_keys(database: Any, kiosk_id: str) -> set[str]:
    """The bank's idempotency keys for `kiosk_id` so far."""
    with database.transaction() as tx:
        return {
            r["idem_key"]
            for r in tx.all("SELECT idem_key FROM idempotency WHERE kiosk_id = ?", kiosk_id)
        }
