"""Banks have owners (issue #11 item 9): any `banks:write` key could delete or disable the task
force's banks. Now only a bank's owner (its agency, or the client that made it) changes it;
others read it and match against it while it is shared, and do not learn of it otherwise."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.banks.factories import make_bank, make_entry, random_pdq
from tests.banks.test_api import RNG, bearer
from tests.identity.factories import make_api_key

from perisai.identity.permissions import Scope

BANKS = "/api/v1/banks"
MATCH = "/api/v1/media/match"


def keyed(db: Session, agency: str | None, *scopes: Scope) -> dict[str, str]:
    _, secret = make_api_key(db, scopes=list(scopes), agency=agency)
    return {"Authorization": f"Bearer {secret}"}


def test_another_key_cannot_change_disable_or_delete_the_task_forces_bank(
    client: TestClient, db: Session
) -> None:
    bank = make_bank(db)  # made by our own jobs: the task force's (the Secretariat's)
    signal = random_pdq(RNG)
    entry = make_entry(db, bank, signal)
    db.flush()
    base = f"{BANKS}/{bank.name}"
    for platform in (bearer(db, Scope.BANKS_WRITE), keyed(db, "MCMC", Scope.BANKS_WRITE)):
        assert client.get(base, headers=platform).json()["owner"] == "agency:SECRETARIAT"
        attempts = [
            client.patch(base, json={"enabled": False}, headers=platform),
            client.delete(base, headers=platform),
            client.post(f"{base}/entries/{entry.id}/disable", json={}, headers=platform),
            client.delete(f"{base}/entries/{entry.id}", headers=platform),
            client.post(
                f"{base}/entries", json={"signal_type": "md5", "signal": "a" * 32}, headers=platform
            ),
            client.post(f"{base}/import?format=md5sum", content=b"x", headers=platform),
        ]
        for answer in attempts:
            assert answer.status_code == 403, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert "SECRETARIAT" in answer.json()["detail"]
    # Nothing changed: it still matches.
    matched = client.post(
        MATCH,
        json={"signal_type": "pdq", "signal": signal},
        headers=bearer(db, Scope.MEDIA_MATCH),
    )
    assert matched.json()["matched"] is True
    # Its owner (a Secretariat key) may.
    owner = keyed(db, "SECRETARIAT", Scope.BANKS_WRITE)
    assert client.patch(base, json={"enabled": False}, headers=owner).status_code == 200


def test_a_private_bank_is_the_owners_alone(client: TestClient, db: Session) -> None:
    mine = keyed(db, None, Scope.BANKS_WRITE, Scope.MEDIA_MATCH)
    made = client.post(BANKS, json={"name": "platform-private", "shared": False}, headers=mine)
    assert made.status_code == 201, made.text
    assert made.json()["owner"].startswith("apikey:") and made.json()["shared"] is False
    signal = random_pdq(RNG)
    added = client.post(
        f"{BANKS}/platform-private/entries",
        json={"signal_type": "pdq", "signal": signal},
        headers=mine,
    )
    assert added.status_code == 201, added.text
    query = {"signal_type": "pdq", "signal": signal}
    assert client.post(MATCH, json=query, headers=mine).json()["matched"] is True

    other = keyed(db, None, Scope.BANKS_WRITE, Scope.MEDIA_MATCH)
    hidden = client.get(f"{BANKS}/platform-private", headers=other)
    missing = client.get(f"{BANKS}/no-such-bank", headers=other)
    assert hidden.status_code == missing.status_code == 404
    assert "platform-private" not in client.get(BANKS, headers=other).text
    assert client.post(MATCH, json=query, headers=other).json()["matched"] is False
    # Shared, others see it and match against it, and still cannot change it.
    assert (
        client.patch(f"{BANKS}/platform-private", json={"shared": True}, headers=mine).status_code
        == 200
    )
    assert client.get(f"{BANKS}/platform-private", headers=other).status_code == 200
    assert client.post(MATCH, json=query, headers=other).json()["matched"] is True
    assert client.delete(f"{BANKS}/platform-private", headers=other).status_code == 403


def test_members_of_the_owning_agency_share_it(client: TestClient, db: Session) -> None:
    first = keyed(db, "PDRM", Scope.BANKS_WRITE)
    second = keyed(db, "PDRM", Scope.BANKS_WRITE)
    assert client.post(BANKS, json={"name": "pdrm-bank"}, headers=first).status_code == 201
    answer = client.patch(f"{BANKS}/pdrm-bank", json={"description": "x"}, headers=second)
    assert answer.status_code == 200
    assert answer.json()["owner"] == "agency:PDRM"
