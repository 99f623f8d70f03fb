"""Numbers as a person says them: amounts, masked card numbers and ticket numbers.

espeak-ng reads "86.50" as "eighty-six point five zero" and "622848*****8010" as a string of
stars. A teller says "八十六元五角" and "尾号 8010". The words themselves come from the
catalogs (`voice.number`, `voice.digit`, `voice.money`, `voice.form`); this module only knows
how numerals are built: myriad-based (Chinese, Korean) or English.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kiosk.i18n import Catalog


def digit_word(catalog: Catalog, digit: str) -> str:
    return catalog.phrases(f"voice.digit.{digit}")[0]


def digits(value: str, catalog: Catalog) -> str:
    """Reads digits one by one, as for a phone, card tail or ticket: 0023 -> 零零二三."""
    joiner = catalog.text("voice.number.joiner")
    return joiner.join(digit_word(catalog, d) for d in value if d.isdigit())


def number(n: int, catalog: Catalog) -> str:
    """A whole number as a word: 86 -> 八十六 / 팔십육 / eighty-six."""
    if n < 0:
        raise ValueError("negative amounts are not spoken")
    if catalog.text("voice.number.style") == "english":
        return _english(n, catalog)
    return _myriad(n, catalog)


def _myriad(n: int, catalog: Catalog) -> str:
    if n == 0:
        return digit_word(catalog, "0")
    units = catalog.phrases("voice.number.units")  # tens, hundreds, thousands
    myriads = catalog.phrases("voice.number.groups")  # 10^4, 10^8
    omit = catalog.text("voice.number.omit_one")  # "leading" (zh) or "always" (ko)
    korean_style = omit == "always"
    sep = catalog.text("voice.number.joiner")
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    words: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(words)
            continue
        if words and (zero_pending or group < 1000) and not korean_style:
            words.append(digit_word(catalog, "0"))  # 一万零五十
        zero_pending = False
        text = _below_myriad(group, units, catalog, leading=not words, omit=omit)
        if index:
            myriad = myriads[index - 1]
            text = myriad if korean_style and group == 1 and index == 1 else text + myriad
        words.append(text)
    return sep.join(words) if korean_style else "".join(words)


def _below_myriad(n: int, units: list[str], catalog: Catalog, leading: bool, omit: str) -> str:
    parts: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero and omit == "leading":
            parts.append(digit_word(catalog, "0"))
        zero = False
        one_dropped = (
            d == 1
            and power > 0
            and (omit == "always" or (omit == "leading" and leading and power == 1 and not parts))
        )
        word = "" if one_dropped else digit_word(catalog, str(d))
        parts.append(word + (units[power - 1] if power else ""))
    return "".join(parts)


def _english(n: int, catalog: Catalog) -> str:
    if n == 0:
        return digit_word(catalog, "0")
    scales = [""] + catalog.phrases("voice.number.groups")
    words: list[str] = []
    scale = 0
    while n:
        n, chunk = divmod(n, 1000)
        if chunk:
            text = _english_chunk(chunk, catalog)
            words.insert(0, f"{text} {scales[scale]}".strip())
        scale += 1
    return " ".join(words)


def _english_chunk(n: int, catalog: Catalog) -> str:
    small = catalog.phrases("voice.number.small")  # ten..nineteen, twenty..ninety
    teens, tens = small[:10], small[10:]
    words = []
    if n >= 100:
        words.append(f"{digit_word(catalog, str(n // 100))} {catalog.text('voice.number.units')}")
        n %= 100
    if n >= 20:
        words.append(tens[n // 10 - 2] + (f"-{digit_word(catalog, str(n % 10))}" if n % 10 else ""))
    elif n >= 10:
        words.append(teens[n - 10])
    elif n:
        words.append(digit_word(catalog, str(n)))
    return " ".join(words)


def amount(value: str | Decimal, catalog: Catalog) -> str:
    """86.50 -> 八十六元五角 / eighty-six yuan five jiao / 팔십육 위안 오 자오."""
    try:
        cents_total = int(
            (Decimal(str(value).replace(",", "")) * 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    yuan, cents = divmod(cents_total, 100)
    jiao, fen = divmod(cents, 10)
    params = {
        "yuan": number(yuan, catalog),
        "jiao": number(jiao, catalog),
        "fen": number(fen, catalog),
    }
    if cents == 0:
        key = "whole"
    elif fen == 0:
        key = "jiao"
    elif jiao == 0:
        key = "fen_only"
    else:
        key = "fen"
    return catalog.text(f"voice.money.{key}", **params)


def card_tail(masked: str, catalog: Catalog) -> str:
    """A masked card or phone number is spoken by its last four: 尾号零零一零."""
    return catalog.text("voice.form.card_tail", digits=digits(masked[-4:], catalog))


def ticket(code: str, catalog: Catalog) -> str:
    """A queue ticket: A023 -> "A 零二三" (letters as letters, digits one by one)."""
    letters = "".join(c for c in code if c.isalpha())
    return catalog.text("voice.form.ticket", letters=letters, digits=digits(code, catalog))


# What the screen shows, and how to find it in a sentence. The currency marks (¥, 元, yuan)
# are the catalog's `voice.money.marks`: the screen's formats, not words the customer hears.
_MASKED = re.compile(r"\d[\d ]*[*•●]+[\d ]*?(\d{4})\b")
_NUMBER = r"(\d[\d,]*(?:\.\d{1,2})?)"
_TICKET = re.compile(r"\b([A-Z]\d{3})\b")


def _amount_pattern(catalog: Catalog) -> re.Pattern[str]:
    marks = "|".join(
        re.escape(m) for m in sorted(catalog.phrases("voice.money.marks"), key=len, reverse=True)
    )
    return re.compile(rf"(?:(?:{marks})\s?{_NUMBER})|(?:{_NUMBER}\s?(?:{marks}))")


def natural(text: str, catalog: Catalog) -> str:
    """Rewrites the screen's amounts, masked numbers and tickets into their spoken forms."""
    text = _MASKED.sub(lambda m: card_tail(m.group(1), catalog), text)
    text = _amount_pattern(catalog).sub(lambda m: amount(m.group(1) or m.group(2), catalog), text)
    return _TICKET.sub(lambda m: ticket(m.group(1), catalog), text)
