"""Who is looking, for the redaction layer: the Viewer of a request's Principal."""

from __future__ import annotations

from perisai.http.problems import Problem
from perisai.identity.deps import Principal
from perisai.sharing.redaction import Viewer


def viewer_of(principal: Principal) -> Viewer:
    """The Viewer of a logged-in user or an API client (every route declares one or the other)."""
    if principal.user is not None:
        return Viewer.for_user(principal.user)
    if principal.api_key is not None:
        return Viewer.for_api_key(principal.api_key)
    raise Problem(401, "Not authenticated")  # pragma: no cover - dependencies guarantee one
