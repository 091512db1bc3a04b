"""Hearing, in each process, every committed change to what a verification reads (PostgreSQL LISTEN/NOTIFY).

Triggers (migration 0014, PostgreSQL only) send a notification on ``CHANNEL`` from every statement that changes the
signing keys, the status lists' signed text, the signed tree heads, a credential's or a wallet copy's issuance time,
or the issuance log's entries. PostgreSQL delivers a notification when its transaction commits, never before and
never for a rolled-back one. Each process keeps one listening connection in a daemon thread (started on first use,
again after a fork); every notification, every (re)connection and every lost connection moves ``generation()`` on.

``badges.resolver`` keeps what it read under the generation it read it in, and uses it only while the generation is
the same: a change committed anywhere is heard before the next verification that starts once its notification
has arrived (``bench/badges_verify.py`` measures the delay). ``generation()`` is None, and the resolver reads
everything every time, wherever a change could go unheard:

- not PostgreSQL (SQLite: the embedded default), or ``BADGES_VERIFICATION_LISTENER`` off (the test suite, where
  transactions are rolled back and never notify; the tests of this module turn it on);
- inside a transaction (its own uncommitted writes are notified to nobody);
- the listening connection is not up, or has not confirmed it is alive for ``HEARTBEAT_LIMIT`` seconds (a
  connection lost without a reset would otherwise hear nothing, silently).
"""
from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

CHANNEL = "badges_verification"
#: How the listening connections show in pg_stat_activity.
APPLICATION_NAME = "flowstage-verification-listener"
#: How often the listening thread checks its connection when no notification arrives (seconds).
HEARTBEAT = 1.0
#: The oldest confirmation of the listening connection under which what was heard is trusted (seconds).
HEARTBEAT_LIMIT = 3.0
#: Wait after a failed connection before trying again (seconds).
RETRY = 2.0


class Listener:
    """One process's listening connection and its generation counter."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = 0
        self._alive_at = None  # time.monotonic() of the last confirmation, None while not listening
        self._thread: threading.Thread | None = None
        self._pid = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ readers
    def generation(self) -> int | None:
        """The current generation, or None when a committed change could go unheard (see the module's text)."""
        if not getattr(settings, "BADGES_VERIFICATION_LISTENER", False) or connection.vendor != "postgresql":
            return None
        if connection.in_atomic_block or not connection.get_autocommit():
            return None
        self._ensure_started()
        with self._lock:
            alive = self._alive_at is not None and time.monotonic() - self._alive_at <= HEARTBEAT_LIMIT
            return self._generation if alive else None

    def wait_for_change(self, since: int, timeout: float) -> bool:
        """Block until the generation differs from ``since`` (True) or ``timeout`` seconds pass (False): tests and
        the benchmark's delay measurement."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._generation != since:
                    return True
            time.sleep(0.0005)
        return False

    # ------------------------------------------------------------------ the thread
    def _bump(self, alive: bool | None = None) -> None:
        with self._lock:
            self._generation += 1
            if alive is True:
                self._alive_at = time.monotonic()
            elif alive is False:
                self._alive_at = None

    def _confirm(self) -> None:
        with self._lock:
            if self._alive_at is not None:
                self._alive_at = time.monotonic()

    def _ensure_started(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            # A forked child inherits the parent's state but not its thread: start afresh.
            self._alive_at, self._pid = None, os.getpid()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(own_connection_params(), self._stop), daemon=True,
                                            name="badges-verification-listener")
            self._thread.start()

    def _run(self, params: dict, stop: threading.Event) -> None:
        import psycopg

        kwargs = {**params, "application_name": APPLICATION_NAME,
                  "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}
        while not stop.is_set():
            try:
                with psycopg.connect(**kwargs) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._bump(alive=True)  # what was read before this moment may have missed a change
                    while not stop.is_set():
                        for _notification in conn.notifies(timeout=HEARTBEAT):
                            self._bump()
                        conn.execute("SELECT 1")  # raises when the connection is gone
                        self._confirm()
            except Exception as exc:  # noqa: BLE001 - any failure: stop trusting, try again
                log.warning("verification listener: %s", exc)
            self._bump(alive=False)
            stop.wait(RETRY)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening connection and end the thread (tests: the test database is dropped at the end)."""
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(timeout)
        self._bump(alive=False)


def own_connection_params() -> dict:
    """``psycopg.connect`` arguments for a connection of one's own (autocommit) to the default database: Django's,
    without what only Django's own connection uses."""
    params = connection.get_connection_params()
    return {**{k: v for k, v in params.items() if k not in ("cursor_factory", "context", "prepare_threshold")},
            "autocommit": True}


listener = Listener()


def generation() -> int | None:
    return listener.generation()
