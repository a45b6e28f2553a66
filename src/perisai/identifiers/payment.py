"""Payment handles, written `kind:value` (e.g. `duitnow:012-345 6789`, `bank:maybank:1234…`).

Kinds and their canonical forms:
- `bank:[BANK:]ACCOUNT` — account digits only; the bank (lower-case) when given, since account
  numbers are unique only within a bank.
- `ewallet:PROVIDER:ID` — Touch 'n Go, GrabPay, Boost… ids are usually phone numbers (→ E.164).
- `duitnow:ID` — a DuitNow proxy: phone number (→ E.164), MyKad (→ 12 digits, sensitive) or
  another id such as a business registration number (upper-case, no spaces).
- `paypal:EMAIL` — the canonical email.
- `crypto:ADDRESS` — as written (base58 is case-sensitive); bech32 (`bc1…`) lower-cased.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum.my import nric

from perisai.identifiers.email_address import normalise_email
from perisai.identifiers.model import IdentifierError, checked_text
from perisai.identifiers.mykad import masked
from perisai.identifiers.phone import e164

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_ACCOUNT = re.compile(r"[0-9 -]{6,34}")
_PROXY = re.compile(r"[A-Z0-9-]{4,40}")
_CRYPTO = re.compile(r"[A-Za-z0-9]{20,100}")
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ()-]{6,20}")

# (canonical value, display, sensitive)
Canonical = tuple[str, str, bool]


def _name(field: str, text: str) -> str:
    lowered = text.strip().lower()
    if not _NAME.fullmatch(lowered):
        raise IdentifierError(field, f"not a valid name: {text[:32]!r}")
    return lowered


def _bank(rest: str, _region: str) -> Canonical:
    bank, _, account = rest.rpartition(":")
    if not _ACCOUNT.fullmatch(account.strip()):
        raise IdentifierError("payment.account", "a bank account is 6 to 34 digits")
    digits = re.sub(r"[ -]", "", account)
    value = f"{_name('payment.bank', bank)}:{digits}" if bank else digits
    return value, value, False


def _ewallet(rest: str, region: str) -> Canonical:
    provider, separator, handle = rest.partition(":")
    if not separator or not handle.strip():
        raise IdentifierError("payment", "write an e-wallet as ewallet:PROVIDER:ID")
    handle = handle.strip()
    if _PHONE_LIKE.fullmatch(handle):
        handle = e164("payment.id", handle, region)[0]
    value = f"{_name('payment.provider', provider)}:{handle}"
    return value, value, False


def _duitnow(rest: str, region: str) -> Canonical:
    text = rest.strip()
    if nric.is_valid(text):
        digits = str(nric.compact(text))
        return f"mykad:{digits}", f"mykad:{masked(digits)}", True
    if _PHONE_LIKE.fullmatch(text):
        try:
            return f"phone:{e164('payment.id', text, region)[0]}", "", False
        except IdentifierError:
            pass  # digits that are no phone number: a registration number, say
    proxy = re.sub(r"\s", "", text).upper()
    if not _PROXY.fullmatch(proxy):
        raise IdentifierError("payment.id", "not a DuitNow id (phone, MyKad or registration no.)")
    return f"id:{proxy}", "", False


def _paypal(rest: str, _region: str) -> Canonical:
    email = normalise_email(rest).value
    return email, email, False


def _crypto(rest: str, _region: str) -> Canonical:
    address = rest.strip()
    if address.lower().startswith(("bc1", "tb1", "ltc1")):
        address = address.lower()
    if not _CRYPTO.fullmatch(address):
        raise IdentifierError("payment.address", "not a cryptocurrency address")
    return address, address, False


_KINDS: dict[str, Callable[[str, str], Canonical]] = {
    "bank": _bank,
    "ewallet": _ewallet,
    "duitnow": _duitnow,
    "paypal": _paypal,
    "crypto": _crypto,
}


def canonical_payment(value: object, region: str) -> tuple[str, str, str, bool]:
    """(original, canonical `kind:value`, display, sensitive)."""
    text = checked_text("payment", value, limit=256)
    kind, separator, rest = text.partition(":")
    kind = kind.strip().lower()
    if not separator or kind not in _KINDS:
        raise IdentifierError("payment", f"write KIND:VALUE with KIND one of {', '.join(_KINDS)}")
    canonical, display, sensitive = _KINDS[kind](rest, region)
    value_text = f"{kind}:{canonical}"
    return text, value_text, f"{kind}:{display or canonical}", sensitive
