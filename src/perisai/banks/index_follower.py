"""Keeping a process's bank indexes fresh: LISTEN on `perisai_banks`, replay the feed.

:class:`IndexFollower` is one background thread with its own database connection. It loads
every enabled entry when it starts, then waits for notifications; each one is only a doorbell
(its payload is the newest change id), and the follower replays `bank_change` from the last id
it applied. A lost notification or a dropped connection therefore loses nothing: on reconnect,
and every ``resync_seconds`` anyway, the follower replays whatever it has not seen.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Final

from sqlalchemy import Connection, create_engine, pool, text

from perisai.banks.indexes import BankIndexes
from perisai.banks.service import CHANNEL

log = logging.getLogger(__name__)
# How long one wait for a notification lasts: bounds how soon stop() returns.
WAIT_SECONDS: Final = 0.05


class IndexFollower:
    """Follow the bank change feed into ``indexes`` from a daemon thread."""

    def __init__(
        self,
        url: str,
        indexes: BankIndexes | None = None,
        *,
        resync_seconds: float = 30.0,
        reconnect_seconds: float = 0.5,
    ) -> None:
        self.indexes = indexes or BankIndexes()
        self.resync_seconds = resync_seconds
        self.reconnect_seconds = reconnect_seconds
        # Autocommit: LISTEN takes effect at once and every replay reads the latest commits.
        self._engine = create_engine(url, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Connection | None = None
        self.reconnects = 0

    def start(self, *, wait_seconds: float = 30.0) -> IndexFollower:
        """Start the thread; return once the first load is done (or ``wait_seconds`` passed)."""
        self._thread = threading.Thread(target=self._run, name="perisai-bank-follower", daemon=True)
        self._thread.start()
        self._listening.wait(wait_seconds)
        return self

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._engine.dispose()

    def backend_pid(self) -> int | None:
        """The server process of the follower's connection (tests cut it to force a reconnect)."""
        connection = self._connection
        if connection is None:
            return None
        return int(connection.connection.driver_connection.info.backend_pid)  # type: ignore[union-attr]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._engine.connect() as connection:
                    self._connection = connection
                    self._follow(connection)
            except Exception:  # the server went away, or a query failed: reconnect and replay
                self._listening.clear()
                self.reconnects += 1
                log.warning("bank index follower lost its connection; reconnecting", exc_info=True)
                self._stop.wait(self.reconnect_seconds)
            finally:
                self._connection = None

    def _follow(self, connection: Connection) -> None:
        connection.execute(text(f"LISTEN {CHANNEL}"))
        # Listening before replaying: a change committed meanwhile rings the bell again.
        self.indexes.sync(connection)
        self._listening.set()
        driver: Any = connection.connection.driver_connection
        last_sync = time.monotonic()
        while not self._stop.is_set():
            rang = any(True for _ in driver.notifies(timeout=WAIT_SECONDS, stop_after=1))
            if rang or time.monotonic() - last_sync >= self.resync_seconds:
                self.indexes.sync(connection)
                last_sync = time.monotonic()
