"""Normalisation rules per kind (DOMAIN.md), idempotence, and garbage refused field by field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perisai.identifiers import KINDS, IdentifierError, normalise


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("John.Doe+news@GoogleMail.com", "johndoe@gmail.com"),
        ("j.o.h.n.doe@gmail.com", "johndoe@gmail.com"),
        ("A.B+tag@Hotmail.com", "a.b@hotmail.com"),
        ("a.b+tag@outlook.com", "a.b@outlook.com"),
        ("Siti+x@iCloud.com", "siti@icloud.com"),
        ("First.Last+x@example.my", "first.last+x@example.my"),  # other domains keep all
        ("user@Bücher.de", "user@xn--bcher-kva.de"),
        ("user@xn--bcher-kva.de", "user@xn--bcher-kva.de"),
        ("  Ali@Example.COM.  ", "ali@example.com"),
    ],
)
def test_email_canonical(value: str, canonical: str) -> None:
    identifier = normalise("email", value)
    assert identifier.value == canonical
    assert identifier.key == f"email:{canonical}"
    assert identifier.original == value.strip()


@pytest.mark.parametrize(
    ("value", "e164"),
    [
        ("012-345 6789", "+60123456789"),
        ("+60 12-345 6789", "+60123456789"),
        ("0060123456789", "+60123456789"),
        ("03-2345 6789", "+60323456789"),
        ("+65 6123 4567", "+6561234567"),
    ],
)
def test_phone_e164(value: str, e164: str) -> None:
    identifier = normalise("phone", value)
    assert (identifier.value, identifier.key) == (e164, f"phone:{e164}")


def test_phone_region_changes_the_reading() -> None:
    assert normalise("phone", "6123 4567", region="SG").value == "+6561234567"


def test_username_folds_and_keeps_platform_in_key() -> None:
    first = normalise("username", "@Abang_Baik", platform="ExampleChat")
    second = normalise("username", "ＡＢＡＮＧ_ＢＡＩＫ", platform="examplechat")  # full-width
    assert first.key == second.key == "username:examplechat:abang_baik"
    assert first.original == "@Abang_Baik"
    other = normalise("username", "abang_baik", platform="otherapp")
    assert other.key != first.key


def test_username_ignores_zero_width_characters() -> None:
    sneaky = normalise("username", "abang\u200b_baik", platform="x")
    assert sneaky.value == "abang_baik"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (
            "HTTP://Example.COM:80/a/./b/../c?utm_source=x&b=2&a=%7e1#frag",
            "http://example.com/a/c?a=~1&b=2",
        ),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("example.com/path?fbclid=abc", "http://example.com/path"),
        ("https://user:pw@example.com/", "https://example.com/"),
        ("https://example.com/%e2%82%ac", "https://example.com/%E2%82%AC"),
        ("https://example.com/€", "https://example.com/%E2%82%AC"),
        ("https://Bücher.de/", "https://xn--bcher-kva.de/"),
        ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
        ("https://example.com/a%2Fb", "https://example.com/a%2Fb"),
    ],
)
def test_url_canonical(value: str, canonical: str) -> None:
    assert normalise("url", value).value == canonical


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("35-209900-176148-1", "imei:352099001761481"),
        ("3520990017614812", "imei:352099001761481"),  # IMEISV → the same device
        ("AA-BB-CC-DD-EE-FF", "mac:aa:bb:cc:dd:ee:ff"),
        ("aabb.ccdd.eeff", "other:aabb.ccdd.eeff"),
        ("{6F9619FF-8B86-D011-B42D-00C04FC964FF}", "uuid:6f9619ff-8b86-d011-b42d-00c04fc964ff"),
        ("9774D56D682E549C", "hex:9774d56d682e549c"),
    ],
)
def test_device_shapes(value: str, canonical: str) -> None:
    assert normalise("device", value).value == canonical


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("duitnow:012-345 6789", "duitnow:phone:+60123456789"),
        ("DuitNow:202001012345", "duitnow:id:202001012345"),
        ("bank:Maybank:1234-5678-9012", "bank:maybank:123456789012"),
        ("bank:123456789012", "bank:123456789012"),
        ("ewallet:TNG:012 345 6789", "ewallet:tng:+60123456789"),
        ("paypal:J.Doe+x@gmail.com", "paypal:jdoe@gmail.com"),
        (
            "crypto:BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            "crypto:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
    ],
)
def test_payment_handles(value: str, canonical: str) -> None:
    identifier = normalise("payment", value)
    assert identifier.value == canonical
    assert identifier.key == f"payment:{canonical}"
    assert not identifier.sensitive


def test_mykad_is_digits_sensitive_and_masked() -> None:
    identifier = normalise("mykad", "900101-14-5678")
    assert identifier.value == "900101145678"
    assert identifier.sensitive
    assert "900101" not in identifier.display
    assert identifier.display.endswith("5678")
    via_duitnow = normalise("payment", "duitnow:900101145678")
    assert via_duitnow.sensitive
    assert "900101" not in via_duitnow.display


def test_ip_canonical() -> None:
    assert normalise("ip", "::FFFF:192.0.2.1").key == "ip:192.0.2.1"
    assert normalise("ip", "2001:DB8:0::1").value == "2001:db8::1"


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("email", "no-at-sign", "email"),
        ("email", "a@b", "email"),
        ("email", "a b@example.com", "email"),
        ("email", "+@gmail.com", "email"),
        ("email", "x@-bad-.com", "email"),
        ("phone", "12345", "phone"),
        ("phone", "call me", "phone"),
        ("phone", "+999 1234", "phone"),
        ("username", "", "username"),
        ("username", "\u200b", "username"),
        ("url", "javascript:alert(1)", "url"),
        ("url", "http://", "url"),
        ("url", "http://exa mple.com", "url"),
        ("url", "http://example.com:99999/", "url"),
        ("device", "35-209900-176148-2", "device"),
        ("device", "!!", "device"),
        ("payment", "cash:100", "payment"),
        ("payment", "bank:12", "payment.account"),
        ("payment", "ewallet:tng", "payment"),
        ("payment", "duitnow:??", "payment.id"),
        ("ip", "999.1.1.1", "ip"),
        ("mykad", "991399-14-5678", "mykad"),
        ("mykad", "12", "mykad"),
        ("fax", "123", "kind"),
        ("email", "a@b.com\x00", "email"),
        ("email", "x" * 5000, "email"),
    ],
)
def test_garbage_is_refused_with_the_field(kind: str, value: str, field: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        normalise(kind, value, platform="x")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_username_without_platform_is_refused() -> None:
    with pytest.raises(IdentifierError) as caught:
        normalise("username", "abang")
    assert caught.value.field == "platform"


@pytest.mark.parametrize("kind", KINDS)
def test_non_text_is_refused(kind: str) -> None:
    with pytest.raises(IdentifierError, match="expected text"):
        normalise(kind, 12345, platform="x")


# --- idempotence: normalising a canonical value gives it back ----------------------------------

emails = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.+_-]{0,20}@(gmail|googlemail|hotmail|example)\.com")
phones = st.from_regex(r"01[0-46-9][0-9]{7}", fullmatch=True)
usernames = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())
urls = st.builds(
    lambda host, path, query: f"HTTPS://{host}.Example.com/{path}?{query}",
    st.from_regex(r"[a-z]{1,10}", fullmatch=True),
    st.text(alphabet="abc/._~%20-€", max_size=20),
    st.text(alphabet="ab=&utm_%", max_size=20),
)


@given(emails)
def test_email_idempotent(value: str) -> None:
    try:
        once = normalise("email", value)
    except IdentifierError:
        return
    assert normalise("email", once.value).value == once.value


@given(phones)
def test_phone_idempotent(value: str) -> None:
    try:
        once = normalise("phone", value)
    except IdentifierError:
        return
    assert normalise("phone", once.value) == normalise("phone", once.value)
    assert normalise("phone", once.value).value == once.value


@given(usernames)
def test_username_idempotent(value: str) -> None:
    try:
        once = normalise("username", value, platform="app")
    except IdentifierError:
        return
    assert normalise("username", once.value, platform="app").value == once.value


@given(urls)
def test_url_idempotent(value: str) -> None:
    try:
        once = normalise("url", value)
    except IdentifierError:
        return
    assert normalise("url", once.value).value == once.value
