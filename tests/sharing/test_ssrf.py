"""Webhook SSRF (issue 11, item 6): internal addresses are refused at subscription and at every
delivery (DNS rebinding included), errors are categories, full URLs stay out of logs and audit."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.identity.factories import make_user
from tests.sharing.conftest import FakeDns, Receiver
from typer.testing import CliRunner

from perisai import urlguard
from perisai.audit.models import AuditEntry
from perisai.config import Settings
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.service import start_session
from perisai.runtime import Runtime
from perisai.sharing import webhooks
from perisai.sharing.cli import app as sharing_cli
from perisai.sharing.jobs import attempt_delivery
from perisai.sharing.models import WebhookDelivery, WebhookSubscription
from perisai.urlguard import UrlGuard

PUBLIC = "93.184.215.14"

#: Every URL the red team subscribed, and the other spellings of the same places.
INTERNAL = [
    "http://127.0.0.1/h",
    "http://localhost/h",
    "http://LOCALHOST./h",
    "http://api.localhost/h",
    "http://[::1]/h",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/h",
    "http://0.0.0.0/h",
    "http://2130706433/h",
    "http://0x7f000001/h",
    "http://0x7f.1/h",
    "http://127.1/h",
    "http://0177.0.0.1/h",
    "http://[::ffff:127.0.0.1]/h",
    "http://[::ffff:a9fe:a9fe]/h",
    "http://[64:ff9b::a9fe:a9fe]/h",
    "http://[2002:7f00:1::]/h",
    "http://[::]/h",
    "http://[fe80::1]/h",
    "http://[fd00:ec2::254]/h",
    "http://100.100.100.200/h",
    "http://172.16.0.1:8080/h",
    "http://192.168.1.1/h",
    "http://224.0.0.1/h",
    "http://255.255.255.255/h",
    "https://metadata.test/computeMetadata/v1/",
    "https://rebind.test/h",
    "https://ten.test/h",
]

#: URLs refused for their form before any address is looked at.
MALFORMED = [
    "http://x@127.0.0.1/h",
    "http://user:pw@hooks.public.test/h",
    "http://@hooks.public.test/h",
    "http://127.0.0.1 .public.test/h",
    "http://hooks.public.test:99999/h",
    "http://[fe80::1%25eth0]/h",
    "http://exa_mple..test/h",
    "ftp://hooks.public.test/h",
]


@pytest.fixture
def dns(fake_dns: FakeDns) -> FakeDns:
    fake_dns.answers.update(
        {
            "hooks.public.test": [PUBLIC],
            "metadata.test": ["169.254.169.254"],
            "rebind.test": [PUBLIC, "127.0.0.1"],  # one bad answer among good ones
            "ten.test": ["10.20.30.40"],
        }
    )
    return fake_dns


def subscribe(runtime: Runtime, url: str, guard: UrlGuard) -> int:
    with runtime.db.transaction() as session:
        sub, _ = webhooks.create_subscription(
            session, runtime.keyring, agency="CSM", url=url, guard=guard
        )
        return sub.id


@pytest.mark.parametrize("url", INTERNAL + MALFORMED)
def test_subscription_refuses_internal_addresses(
    live_runtime: Runtime, dns: FakeDns, url: str
) -> None:
    with pytest.raises(webhooks.WebhookError), live_runtime.db.transaction() as session:
        webhooks.create_subscription(
            session, live_runtime.keyring, agency="CSM", url=url, guard=UrlGuard()
        )


def test_public_and_allow_listed_hosts_are_accepted(dns: FakeDns) -> None:
    guard = UrlGuard()
    assert (
        guard.check_subscription(" https://hooks.public.test/h ") == "https://hooks.public.test/h"
    )
    assert guard.check_subscription(f"http://{PUBLIC}:8443/h") == f"http://{PUBLIC}:8443/h"
    # Not resolvable yet: accepted, each delivery checks again.
    assert guard.check_subscription("https://later.test/h") == "https://later.test/h"

    allowing = UrlGuard.from_setting("127.0.0.1, ten.test, 192.168.7.0/24, [::1]")
    for url in (
        "http://127.0.0.1:9/h",
        "http://2130706433/h",
        "https://ten.test/h",
        "http://192.168.7.99/h",
        "http://[::1]:8080/h",
    ):
        assert allowing.check_subscription(url) == url
    for url in ("http://127.0.0.2/h", "http://192.168.8.1/h", "https://metadata.test/h"):
        with pytest.raises(urlguard.AddressNotAllowed):
            allowing.check_subscription(url)


def test_the_system_resolver_is_judged_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the C library (no fake): `localhost` from /etc/hosts is loopback."""
    monkeypatch.setattr(urlguard, "resolve", urlguard.system_resolver)
    with pytest.raises(urlguard.AddressNotAllowed):
        UrlGuard().addresses("localhost", 80)
    # The C library reads a bare number as an address: so do we, before any resolver.
    assert urlguard.system_resolver("2130706433", 80) == ["127.0.0.1"]
    assert str(urlguard.literal_address("2130706433")) == "127.0.0.1"


@pytest.mark.parametrize("setting", ["not a host!", "10.0.0.0/99", "a..b"])
def test_a_malformed_allow_list_is_a_settings_error(setting: str) -> None:
    with pytest.raises(ValueError, match="not a host name"):
        Settings(webhook_allow_hosts=setting)


def login(client: TestClient, db: Session, runtime: Runtime) -> None:
    user, _ = make_user(db, runtime.keyring, role="admin", agency="PDRM")
    token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
    db.flush()
    client.cookies.set(SESSION_COOKIE, token)


def test_api_answers_422_and_audits_no_path(
    client: TestClient, db: Session, runtime: Runtime, dns: FakeDns
) -> None:
    login(client, db, runtime)
    for url in ("http://169.254.169.254/latest/", "http://2130706433/", "http://x@127.0.0.1/"):
        refused = client.post("/api/v1/webhooks", json={"url": url})
        assert refused.status_code == 422, (url, refused.text)
        assert refused.json()["title"] == "Invalid webhook subscription"
    made = client.post(
        "/api/v1/webhooks", json={"url": "https://hooks.public.test/in/s3cr3t-token?k=v"}
    )
    assert made.status_code == 201, made.text
    details = db.scalars(
        select(AuditEntry.details).where(
            AuditEntry.action == "webhook.add", AuditEntry.object_id == str(made.json()["id"])
        )
    ).one()
    assert details["url"] == "https://hooks.public.test:443/…"


def test_cli_refuses_with_exit_2(
    live_runtime: Runtime, dns: FakeDns, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", live_runtime.db.url)
    monkeypatch.setenv("PERISAI_DATA_DIR", str(live_runtime.settings.data_dir))
    for url in ("http://[::1]/h", "http://0.0.0.0/h", "https://metadata.test/h"):
        result = CliRunner().invoke(
            sharing_cli, ["webhook", "add", "--agency", "PDRM", "--url", url]
        )
        assert result.exit_code == 2, (url, result.output)
        assert "non-public" in result.output or "loopback" in result.output


# --- at delivery --------------------------------------------------------------------------------


def _delivery_for(runtime: Runtime, subscription_id: int) -> int:
    from perisai.sharing.events import emit
    from perisai.sharing.models import Tlp

    with runtime.db.transaction() as session:
        emit(
            session,
            type="report.prioritised",
            subject_type="report",
            subject_id="R-SSRF",
            payload={"priority": "P3"},
            audience=["CSM"],
            tlp=Tlp.AMBER,
        )
    with runtime.db.transaction() as session:
        while webhooks.dispatch(session).events_read:
            pass
        return session.scalars(
            select(WebhookDelivery.id).where(WebhookDelivery.subscription_id == subscription_id)
        ).one()


def _deactivate(runtime: Runtime, subscription_id: int) -> None:
    with runtime.db.transaction() as session:
        sub = session.get(WebhookSubscription, subscription_id)
        assert sub is not None
        sub.active = False


@pytest.fixture
def strict_runtime(live_runtime: Runtime) -> Runtime:
    """The live database and keys with the default policy: nothing internal allow-listed."""
    settings = Settings(data_dir=live_runtime.settings.data_dir, demo=False)
    return Runtime(settings=settings, db=live_runtime.db)


@pytest.mark.parametrize("rebound_to", ["127.0.0.1", "::ffff:127.0.0.1", "169.254.169.254"])
def test_dns_rebinding_at_delivery_is_refused(
    live_runtime: Runtime,
    strict_runtime: Runtime,
    receiver: Receiver,
    dns: FakeDns,
    rebound_to: str,
) -> None:
    """The name was public when subscribed; by delivery it points inside. Nothing is sent."""
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    dns.answers["flip.test"] = [PUBLIC]
    sub_id = subscribe(strict_runtime, f"http://flip.test:{port}/hook", UrlGuard())
    try:
        delivery_id = _delivery_for(live_runtime, sub_id)
        dns.answers["flip.test"] = [rebound_to]
        attempt_delivery(strict_runtime, delivery_id, 0)
        with live_runtime.db.transaction() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            assert delivery is not None
            assert (delivery.attempts, delivery.last_error) == (1, "address_not_allowed")
        assert receiver.received == []
    finally:
        _deactivate(live_runtime, sub_id)


def test_delivery_connects_to_the_vetted_address(
    live_runtime: Runtime, receiver: Receiver, dns: FakeDns
) -> None:
    """An allow-listed name reaches the address *our* resolver gave (the C library cannot
    resolve `inside.test`), so the check and the connection use the same answer."""
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    dns.answers["inside.test"] = ["127.0.0.1"]
    guard = UrlGuard.from_setting("inside.test")
    outgoing = webhooks.Outgoing(
        delivery_id=1, url=f"http://inside.test:{port}/hook", body=b"{}", headers={}
    )
    assert webhooks.send(outgoing, timeout=10, guard=guard) == (200, None)
    [got] = receiver.wait_for(1)
    assert got.headers["Host"] == f"inside.test:{port}"
    assert webhooks.send(outgoing, timeout=10, guard=UrlGuard()) == (None, "address_not_allowed")


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def garbage_server() -> Iterator[int]:
    """Accepts and answers something that is not HTTP (an SSH banner)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    server.close()
    thread.join(timeout=5)


def test_delivery_errors_are_categories(
    receiver: Receiver, closed_port: int, garbage_server: int, caplog: pytest.LogCaptureFixture
) -> None:
    guard = UrlGuard.from_setting("127.0.0.1")

    def attempt(url: str) -> tuple[int | None, str | None]:
        outgoing = webhooks.Outgoing(delivery_id=1, url=url, body=b"{}", headers={})
        return webhooks.send(outgoing, timeout=10, guard=guard)

    caplog.set_level(logging.DEBUG)
    receiver.script = [503]
    assert attempt(f"{receiver.url}/s3cr3t-path") == (503, "HTTP 503")
    assert attempt(f"http://127.0.0.1:{closed_port}/s3cr3t-path") == (None, "connect_failed")
    assert attempt(f"http://127.0.0.1:{garbage_server}/s3cr3t-path") == (None, "bad_response")
    assert attempt("http://nowhere.test/s3cr3t-path") == (None, "host_not_found")
    assert attempt("http://10.0.0.1/s3cr3t-path") == (None, "address_not_allowed")
    assert "s3cr3t-path" not in caplog.text, "no log line carries a webhook's full URL"
