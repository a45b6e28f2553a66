"""The administrator's account pages and the /login/reset path (issue 15 item 10)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user
from tests.workspace.factories import csrf_of, log_in

from perisai.runtime import Runtime


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def _post(client: TestClient, url: str, page: str, **data: object) -> str:
    done = client.post(url, data={**data, "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


def test_admin_manages_an_account_in_malay(app: FastAPI, runtime: Runtime, db: Session) -> None:
    user, secret = make_user(db, runtime.keyring, role="analyst", agency="PDRM")
    with _client(app) as admin_client:
        log_in(admin_client, runtime, db, role="admin", agency="SECRETARIAT")
        listed = admin_client.get(f"/workspace/users?lang=ms&q={user.email}").text
        assert f'<tr data-user="{user.id}">' in listed and "Penganalisis" in listed
        url = f"/workspace/users/{user.id}"
        page = admin_client.get(f"{url}?lang=ms").text
        location = _post(admin_client, f"{url}/active", page, active="false")
        assert location.endswith("?done=disabled")
        after = admin_client.get(f"{location}&lang=ms").text
        assert "Akaun dinyahaktifkan" in after and "Dinyahaktifkan" in after
        _post(admin_client, f"{url}/active", after, active="true")
        _post(admin_client, f"{url}/unlock", after)
        _post(admin_client, f"{url}/totp", after)
        location = _post(admin_client, f"{url}/role", after, role="supervisor", agency="PDRM")
        assert "Penyelia" in admin_client.get(f"{location}&lang=ms").text
        refused = admin_client.post(
            f"{url}/role?lang=ms",
            data={"role": "teacher", "agency": "PDRM", "csrf_token": csrf_of(after)},
        )
        assert refused.status_code == 409 and "Tidak dilakukan" in refused.text
        issued = admin_client.post(f"{url}/password?lang=ms", data={"csrf_token": csrf_of(after)})
        assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
        code = re.search(r'<code id="reset-code">([^<]+)</code>', issued.text)
        assert code
        assert code.group(1) not in admin_client.get(f"{url}?lang=ms").text  # shown once
    with _client(app) as person:
        form = person.get("/login/reset?lang=ms").text
        wrong = person.post(
            "/login/reset?lang=ms",
            data={
                "email": user.email,
                "code": "nope",
                "password": "p" * 12,
                "password_again": "p" * 12,
                "csrf_token": csrf_of(form),
            },
        )
        assert wrong.status_code == 422 and "kod telah tamat tempoh" in wrong.text
        assert f'value="{user.email}"' in wrong.text  # what they typed is kept
        done = person.post(
            "/login/reset",
            data={
                "email": user.email,
                "code": code.group(1),
                "password": "kata laluan baharu",
                "password_again": "kata laluan baharu",
                "csrf_token": csrf_of(wrong.text),
            },
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"
        login = person.get("/login?reset=1&lang=ms").text
        assert "Kata laluan baharu disimpan" in login
        person.post(
            "/login",
            data={
                "email": user.email,
                "password": "kata laluan baharu",
                "csrf_token": csrf_of(login),
            },
        )
        totp = person.get("/login/totp")
        assert totp.status_code == 200  # the password worked; TOTP (reset: enrol again) next
        assert PASSWORD != "kata laluan baharu" and secret


def test_only_admins_manage_accounts(client: TestClient, runtime: Runtime, db: Session) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    assert client.get("/workspace/users").status_code == 403
    assert client.post("/workspace/users/1/unlock", data={"csrf_token": "x"}).status_code == 403
    assert 'href="/workspace/users"' not in client.get("/workspace/queue").text
