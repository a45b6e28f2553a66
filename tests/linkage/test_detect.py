from __future__ import annotations

import pytest

from perisai.identifiers import IdentifierError
from perisai.linkage.detect import guess_kind, parse_identifier


@pytest.mark.parametrize(
    ("value", "platform", "kind"),
    [
        ("Abang.Baik+x@gmail.com", None, "email"),
        ("012-345 6789", None, "phone"),
        ("+60123456789", None, "phone"),
        ("(03) 2345 6789", None, "phone"),
        ("81.2.69.160", None, "ip"),
        ("2001:db8::1", None, "ip"),
        ("https://example.com/p/1", None, "url"),
        ("www.example.com/u/abang", None, "url"),
        ("@abang_baik", "ExampleChat", "username"),
        ("abang_baik", "ExampleChat", "username"),
        ("12345", "ExampleChat", "username"),  # too few digits for a phone
    ],
)
def test_kind_is_guessed(value: str, platform: str | None, kind: str) -> None:
    assert guess_kind(value, platform=platform) == kind


@pytest.mark.parametrize("value", ["abang_baik", "12345", "", "   "])
def test_an_ambiguous_value_without_platform_is_refused(value: str) -> None:
    with pytest.raises(IdentifierError, match="give --kind"):
        guess_kind(value)


def test_gmail_forms_share_one_key() -> None:
    keys = {
        parse_identifier(value).key
        for value in ("Abang.Baik+x@gmail.com", "abangbaik@gmail.com", "ABANG.BAIK@googlemail.com")
    }
    assert keys == {"email:abangbaik@gmail.com"}


def test_explicit_kind_wins_over_the_guess() -> None:
    assert parse_identifier("0123456789", kind="device").kind == "device"
    assert parse_identifier("0123456789", kind=" PHONE ").kind == "phone"


@pytest.mark.parametrize(
    ("value", "kind", "platform", "field"),
    [
        ("x", "mykad", None, "kind"),  # not linked: intake never stores MyKad keys
        ("x", "shoe", None, "kind"),
        ("abang", "username", None, "platform"),
        ("nope@", None, None, "email"),
        ("a" * 5000, "url", None, "url"),
    ],
)
def test_bad_input_names_the_field(
    value: str, kind: str | None, platform: str | None, field: str
) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(value, kind=kind, platform=platform)
    assert caught.value.field == field
