"""Receipts: built from what the session holds, in the customer's language, masked, with a QR
of the reference; printed by a step that survives the printer running out of paper.

A receipt that cannot be printed never undoes the business it records: the flow goes on and
its result screen tells the customer so and shows the reference instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hardware.errors import DeviceError
from hardware.ports import Receipt, ReceiptLine
from kiosk.flows.model import Next, Step, StepContext, StepKind
from kiosk.formats import amount
from kiosk.i18n import Catalog
from kiosk.masking import redact
from kiosk.session import CustomerSession

log = logging.getLogger(__name__)

Text = tuple[str, Mapping[str, Any]]  # a message key and its parameters


@dataclass(slots=True)
class ReceiptState:
    failed: str | None = None  # message key of why the last receipt did not print
    printed: bool = False  # the last receipt (or ticket) came out: none yet is not printed


@lru_cache(maxsize=8)
def catalog_for(language: str) -> Catalog:
    """The catalog of one language, loaded once (read-only afterwards: safe across threads)."""
    return Catalog(language)


def words(session: CustomerSession, key: str, **params: Any) -> str:
    """A message in the session's language, for text that is put together before the screen
    sees it (receipt lines, a note inside a result screen's prompt)."""
    return catalog_for(session.language).text(key, **params)


def yuan(fen: int, language: str) -> str:
    """Amounts are kept in fen; people read yuan with two decimals, as their language writes
    them."""
    return amount(fen, language)


def build_receipt(
    session: CustomerSession,
    title: str,
    qr: str,
    lines: Iterable[tuple[str, str]] = (),
    amounts: Iterable[tuple[str, str]] = (),
    notes: Iterable[Text] = (),
) -> Receipt:
    """A printer-ready receipt. `lines` and `amounts` are (label key, value already masked);
    values pass `redact` once more, so a full card or ID number can never reach the paper."""

    def line(label: str, value: str) -> ReceiptLine:
        return ReceiptLine(words(session, label), redact(value))

    return Receipt(
        title=words(session, title),
        qr=qr,
        lines=tuple(line(k, v) for k, v in lines),
        amounts=tuple(line(k, v) for k, v in amounts),
        notes=tuple(redact(words(session, k, **p)) for k, p in notes),
    )


def print_receipt(ctx: StepContext, receipt: Receipt) -> bool:
    """Prints; on paper out, a jam or an offline printer remembers why and returns False."""
    state = ctx.session.state(ReceiptState)
    state.failed, state.printed = None, False
    try:
        ctx.services.devices.printer.print_receipt(receipt)
    except DeviceError as exc:
        log.warning(
            "session %s: receipt not printed: %s (%s)",
            ctx.session.id,
            type(exc).__name__,
            exc.action,
        )
        state.failed = exc.message_key
        return False
    state.printed = True
    return True


def print_step(
    step_id: str,
    make: Callable[[CustomerSession], Receipt | None],
    *,
    next: Next = None,
) -> Step:
    """A DEVICE step printing `make(session)` (None: nothing to print); it never fails the
    flow."""

    def action(ctx: StepContext) -> None:
        receipt = make(ctx.session)
        if receipt is not None:
            print_receipt(ctx, receipt)

    return Step(
        step_id,
        StepKind.DEVICE,
        "receipt.printing.title",
        "receipt.printing.prompt",
        action=action,
        next=next,
        can_go_back=False,
        illustration="receipt.png",
    )


def receipt_note(session: CustomerSession, reference: str) -> str:
    """For a result screen: take the receipt, or (paper out) note this reference instead."""
    if session.state(ReceiptState).failed:
        return words(session, "receipt.note.not_printed", reference=reference)
    return words(session, "receipt.note.printed")
