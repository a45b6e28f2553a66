"""Request bodies are read in full before the app sees a request, under a rate floor and caps.

A handler (and every dependency it has) runs only once its request's body has arrived: the body
is spooled (in memory up to `MEMORY_BYTES`, then to a private temporary file) and replayed to
the app. So no database connection, transaction or row lock is ever held while a client sends
its body, however slowly it sends it. The few routes that stream a large body into their own
store (evidence uploads, encrypted as they arrive) are not spooled; they read the body before
they open a transaction (`tests/http/test_admission.py` checks both).

Two limits keep slow bodies cheap for everyone else:

* a **rate floor**: a body must arrive at `min_bytes_per_second` on average after a grace
  period (`grace_seconds + received / min_bytes_per_second` is the deadline for each next
  piece); a client that falls behind is answered 408 and its request never reaches the app;
* **per-client caps**: a body that does not arrive in one piece takes a slot of its client (the
  API key or session, by the SHA-256 of its token, never the token) and of its source address;
  past `per_client` (or `per_source`) slots the request is answered 429 with `Retry-After`.

The caps count per process (as the rate limiter does). Intake JSON and login forms arrive in
one piece and take no slot.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import IO

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from perisai.http.problems import crash_response

MEMORY_BYTES = 1_048_576
REPLAY_CHUNK = 65_536
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _Refused(Exception):
    def __init__(self, status: int, title: str, detail: str, retry_after: int | None = None):
        super().__init__(title)
        self.status, self.title, self.detail, self.retry_after = status, title, detail, retry_after


def client_keys(scope: Scope) -> tuple[str | None, str]:
    """(the credential's slot name or None, the source address's slot name)."""
    headers = dict(scope["headers"])
    credential: str | None = None
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        credential = "key:" + hashlib.sha256(token.strip().encode("latin-1")).hexdigest()[:32]
    else:
        for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "perisai_session" and value:
                credential = "session:" + hashlib.sha256(value.encode("latin-1")).hexdigest()[:32]
                break
    client = scope.get("client")
    source = "source:" + (str(client[0]) if client else "unknown")
    return credential, source


class BodyAdmissionMiddleware:
    """See the module docstring. `streamed(method, path)` names the routes not spooled."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        min_bytes_per_second: int,
        grace_seconds: float,
        per_client: int,
        per_source: int,
        streamed: Callable[[str, str], bool],
    ) -> None:
        self.app = app
        self.min_rate = float(min_bytes_per_second)
        self.grace = grace_seconds
        self.per_client = per_client
        self.per_source = per_source
        self.streamed = streamed
        self.slots: Counter[str] = Counter()  # in use, per client and per source (tests read it)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if headers.get(b"content-length") == b"0" and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        received = 0

        async def next_message() -> Message:
            """The next message, or _Refused(408) once the body is behind the rate floor."""
            nonlocal received
            remaining = started + self.grace + received / self.min_rate - time.monotonic()
            if remaining <= 0:
                raise self._too_slow()
            try:
                message = await asyncio.wait_for(receive(), remaining)
            except TimeoutError:
                raise self._too_slow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            return message

        try:
            first = await next_message()
        except _Refused as refused:
            await _answer(scope, send, refused)
            return
        if first["type"] != "http.request" or not first.get("more_body", False):
            await self.app(scope, _replay_one(first, receive), send)  # the body in one piece
            return
        taken = self._take(scope)
        if taken is None:
            await _answer(
                scope,
                send,
                _Refused(
                    429,
                    "Too many uploads at once",
                    "This client already has as many request bodies in flight as it may; "
                    "send this one when one of them has finished.",
                    retry_after=5,
                ),
            )
            return
        try:
            if self.streamed(scope["method"], scope["path"]):
                await self._stream(scope, first, next_message, send)
            else:
                await self._spool(scope, first, next_message, receive, send)
        finally:
            for name in taken:
                self.slots[name] -= 1
                if self.slots[name] <= 0:
                    del self.slots[name]

    def _too_slow(self) -> _Refused:
        return _Refused(
            408,
            "Request body too slow",
            f"The body arrived slower than {int(self.min_rate)} bytes a second; send it again.",
        )

    def _take(self, scope: Scope) -> list[str] | None:
        credential, source = client_keys(scope)
        if self.slots[source] >= self.per_source:
            return None
        if credential is not None and self.slots[credential] >= self.per_client:
            return None
        taken = [source] + ([credential] if credential is not None else [])
        for name in taken:
            self.slots[name] += 1
        return taken

    async def _spool(
        self,
        scope: Scope,
        first: Message,
        next_message: Callable[[], Awaitable[Message]],
        receive: Receive,
        send: Send,
    ) -> None:
        with tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES, prefix="perisai-body-") as spool:
            message = first
            while True:
                if message["type"] != "http.request":
                    return  # the client went away: nobody to answer
                spool.write(message.get("body", b""))
                if not message.get("more_body", False):
                    break
                try:
                    message = await next_message()
                except _Refused as refused:
                    await _answer(scope, send, refused)
                    return
            size = spool.tell()
            spool.seek(0)
            await self.app(scope, _replay(spool, size, receive), send)

    async def _stream(
        self,
        scope: Scope,
        first: Message,
        next_message: Callable[[], Awaitable[Message]],
        send: Send,
    ) -> None:
        pending: Message | None = first
        refused: _Refused | None = None
        done = False
        started = False

        async def rated_receive() -> Message:
            nonlocal pending, refused, done
            if pending is not None:
                message, pending = pending, None
            elif done or refused is not None:
                return {"type": "http.disconnect"}
            else:
                try:
                    message = await next_message()
                except _Refused as exc:
                    refused = exc
                    if not started:
                        await _answer(scope, send, exc)
                    return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None:
                return  # answered 408 already; whatever the app says is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, rated_receive, guarded_send)
        except Exception:
            if refused is None:
                raise


def _replay_one(message: Message, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return message
        return await receive()  # after the body: the client's disconnect, when it comes

    return replay


def _replay(spool: IO[bytes], size: int, receive: Receive) -> Receive:
    finished = False

    async def replay() -> Message:
        nonlocal finished
        if finished:
            return await receive()
        chunk = spool.read(REPLAY_CHUNK)
        more = bool(chunk) and spool.tell() < size
        if not more:
            finished = True
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


async def _answer(scope: Scope, send: Send, refused: _Refused) -> None:
    """The refusal: a page in the person's language for pages, a problem document for the API."""
    headers = {"Connection": "close"}
    if refused.retry_after is not None:
        headers["Retry-After"] = str(refused.retry_after)
    response = await crash_response(
        Request(scope), refused.status, refused.title, refused.detail, headers=headers
    )
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
