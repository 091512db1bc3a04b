"""Shared fixtures of the badges crypto tests (plain unit tests: no database, no network)."""

import contextvars
import copy
import json
import socket
import time
from pathlib import Path

import pytest

from badges.contexts import ALL_CONTEXTS, OB_V3P0, VC_V2
from badges.jsonld import OfflineDocumentLoader
from badges_testkit import PathsDiffer

VECTORS = Path(__file__).parent / "vectors"


LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


def _is_local(address) -> bool:
    """Unix sockets and the loopback (the services run's PostgreSQL and Redis) stay allowed."""
    if isinstance(address, (str, bytes)):
        return True  # AF_UNIX path
    if isinstance(address, tuple) and address:
        return str(address[0]) in LOCAL_HOSTS
    return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to reach another host fails the test: contexts are resolved offline.

    Loopback stays open so that the database and Redis of the services run keep working."""
    real_connect = socket.socket.connect
    real_create = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address, *args, **kwargs):
        if not _is_local(address):
            raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if not _is_local(address):
            raise AssertionError(f"network access attempted: {address!r}")
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOCAL_HOSTS and host not in (b"localhost", None):
            raise AssertionError(f"network access attempted: resolving {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


_COMPARED = contextvars.ContextVar("badges_tests_compared", default=False)


def _outcome(fn):
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 - compared, then re-raised
        return None, exc


def _same_error(ref, fast) -> bool:
    return (ref is None) == (fast is None) and (ref is None or (type(ref), str(ref)) == (type(fast), str(fast)))


@pytest.fixture(autouse=True)
def both_paths(request, monkeypatch):
    """Every verification and every canonicalisation of the badges tests (every test vector, every attack, every
    credential the suite verifies) runs on the reference path (``jsonld.reference_path()``: every fast path off)
    and then on the fast path; the reports (verdict, reason, every check), resp. the canonical N-Quads or the error,
    must be identical, else the test fails with ``PathsDiffer``. The fast path's answer is the one returned.
    ``@pytest.mark.single_path`` opts a test out (it counts the fast path's own work)."""
    if request.node.get_closest_marker("single_path"):
        yield
        return
    from badges import jsonld, verification

    real_verify, real_canonicalize = verification._verify, jsonld.canonicalize

    def verify(doc, resolver, now):
        with jsonld.reference_path():
            ref, ref_error = _outcome(lambda: real_verify(doc, resolver, now))
        token = _COMPARED.set(True)  # the canonical forms inside are compared through the reports
        try:
            fast, fast_error = _outcome(lambda: real_verify(doc, resolver, now))
        finally:
            _COMPARED.reset(token)
        if not _same_error(ref_error, fast_error):
            raise PathsDiffer(f"verification: reference path {ref_error!r}, fast path {fast_error!r}")
        if fast_error:
            raise fast_error
        if (ref.verdict, ref.as_dict(), ref.credential) != (fast.verdict, fast.as_dict(), fast.credential):
            raise PathsDiffer(f"verification reports differ:\nreference {ref.as_dict()}\nfast      {fast.as_dict()}")
        return fast

    def canonicalize(doc, loader=jsonld.PRODUCTION_LOADER, limits=jsonld.DEFAULT_LIMITS, budget=None):
        if not jsonld.fast_paths() or _COMPARED.get():
            return real_canonicalize(doc, loader, limits, budget)
        start = time.thread_time()
        with jsonld.reference_path():
            ref, ref_error = _outcome(lambda: real_canonicalize(
                copy.deepcopy(doc), loader, limits, copy.copy(budget) if budget is not None else None))
        if budget is not None:  # the fast run gets the CPU time the reference run took back
            budget._cpu_deadline += time.thread_time() - start
        fast, fast_error = _outcome(lambda: real_canonicalize(doc, loader, limits, budget))
        if not _same_error(ref_error, fast_error) or ref != fast:
            raise PathsDiffer(f"canonical forms differ: reference {ref_error or ref!r}, fast {fast_error or fast!r}")
        if fast_error:
            raise fast_error
        return fast

    monkeypatch.setattr(verification, "_verify", verify)
    monkeypatch.setattr(jsonld, "canonicalize", canonicalize)
    yield


@pytest.fixture
def vector_loader():
    """Production contexts plus the W3C examples context the test vectors use."""
    return OfflineDocumentLoader(ALL_CONTEXTS)


class Vectors:
    """Reads the W3C test vector files byte for byte (see vectors/README.md)."""

    def text(self, name: str) -> str:
        return (VECTORS / name).read_bytes().decode("utf-8")

    def json(self, name: str):
        return json.loads(self.text(name))


@pytest.fixture
def vectors():
    return Vectors()


OB_CREDENTIAL = {
    "@context": [VC_V2, OB_V3P0],
    "id": "https://academy.example.org/credentials/3732",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "did:web:academy.example.org",
        "type": ["Profile"],
        "name": "Flow Stage Academy",
        "url": "https://academy.example.org/",
    },
    "validFrom": "2026-01-01T00:00:00Z",
    "validUntil": "2029-01-01T00:00:00Z",
    "name": "Audio Engineer — Flow Stage Ready",
    "credentialSubject": {
        "id": "urn:uuid:a63a60be-f4af-491e-87fc-2c8fd1fd2b57",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://academy.example.org/achievements/audio-engineer",
            "type": ["Achievement"],
            "name": "Audio Engineer — Flow Stage Ready",
            "description": "Théorie et pratique de la sonorisation de scène.",
            "criteria": {"narrative": "Weighted score of at least 75 % at the certification exam."},
            "image": {"id": "https://academy.example.org/media/badges/audio.png", "type": "Image"},
        },
        "result": [{"type": ["Result"], "value": "82.5"}],
    },
    "credentialStatus": {
        "id": "https://academy.example.org/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://academy.example.org/status/1",
    },
}


@pytest.fixture
def ob_credential():
    return copy.deepcopy(OB_CREDENTIAL)
