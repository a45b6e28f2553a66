"""Whether a browser will have dropped our Secure cookies (shared by the login and the hotline)."""

from __future__ import annotations

import ipaddress

from starlette.requests import Request


def secure_cookie_dropped(request: Request, cookie_secure: bool) -> bool:
    """The page came over plain HTTP to a name other than the local machine while our cookies
    are Secure: browsers keep Secure cookies only over HTTPS and on localhost, so a form's
    cookie never comes back and the form can only "expire". Then the person is told why."""
    if not cookie_secure or request.url.scheme != "http":
        return False
    host = (request.url.hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True
