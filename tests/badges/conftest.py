"""Shared fixtures of the badges crypto tests (plain unit tests: no database, no network)."""

import copy
import json
import socket
from pathlib import Path

import pytest

from badges.contexts import ALL_CONTEXTS, OB_V3P0, VC_V2
from badges.jsonld import OfflineDocumentLoader

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
