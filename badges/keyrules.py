"""The rules of the issuer's signing keys: which key signs at a given time, what the DID document lists, and the
chain of re-issued credentials. Pure (no Django): the services feed it plain values.

Rules:

1. Publication before use. A key is published in the DID document from its creation (``published_at``). Verifiers
   may cache the DID document for ``max_age`` seconds (the ``Cache-Control`` of ``/.well-known/did.json``), so a
   key signs only from ``published_at + max_age`` (its ``usable_from``): a caching verifier never meets a
   signature by a key it has not seen. Until then the key is *pending* and the previous active key keeps signing.
   The very first key of an issuer (no earlier DID document could have been cached with keys) is usable at once.
2. Which key signs at ``t``: the newest key (highest number) that is active or pending, not compromised, and usable
   at ``t``. Retired keys never sign again. None when no key is usable yet (a compromise with no other published
   key): issuance waits until ``next_usable_at``.
3. Planned rotation (``retired``): the old key stays in ``verificationMethod`` and under ``assertionMethod``, so what
   it signed keeps verifying everywhere. Compromise (``revoked``): the key stays in ``verificationMethod``, marked
   ``revoked`` with the compromise date, but leaves ``assertionMethod``, so that any verifier (not only this
   platform's) refuses whatever it signs, forgeries included. What it signed is re-issued with the signing key.
4. A re-issued credential is superseded by its re-issue; a re-issue can itself be superseded (a later compromise):
   the current credential of a chain is followed from the first, at most ``MAX_CHAIN`` links, never in a cycle.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ACTIVE, PENDING, RETIRED, REVOKED = "active", "pending", "retired", "revoked"
SIGNING_STATES = (ACTIVE, PENDING)
MAX_CHAIN = 32


@dataclass(frozen=True)
class KeyState:
    number: int
    status: str
    usable_from: datetime  # published_at + max_age (the first key: its publication)


def usable_from(published_at: datetime, max_age_seconds: int, *, first_key: bool = False) -> datetime:
    """When a key published at ``published_at`` may sign (rule 1)."""
    if max_age_seconds < 0:
        raise ValueError("max_age_seconds must not be negative")
    return published_at if first_key else published_at + timedelta(seconds=max_age_seconds)


def signer_at(keys, t: datetime) -> KeyState | None:
    """The key that signs at ``t`` (rule 2), or None."""
    usable = [k for k in keys if k.status in SIGNING_STATES and k.usable_from <= t]
    return max(usable, key=lambda k: k.number, default=None)


def next_usable_at(keys, t: datetime) -> datetime | None:
    """When a key will be usable if none is at ``t`` (the earliest pending key's ``usable_from``); ``t`` itself
    when one is usable now; None when no key could ever sign (all retired or compromised: create one)."""
    if signer_at(keys, t) is not None:
        return t
    waiting = [k.usable_from for k in keys if k.status in SIGNING_STATES and k.usable_from > t]
    return min(waiting, default=None)


def listed_for_assertion(status: str) -> bool:
    """Rule 3: whether a key of ``status`` is listed under ``assertionMethod`` (every key stays a
    ``verificationMethod``). Pending keys are listed: they are published before they sign."""
    if status not in (ACTIVE, PENDING, RETIRED, REVOKED):
        raise ValueError(f"unknown key status {status!r}")
    return status != REVOKED


def needs_successor(keys) -> bool:
    """True when no key could sign now or later (every key retired or compromised): a new key must be created."""
    return not any(k.status in SIGNING_STATES for k in keys)


def current_of_chain(start, successor_of: dict):
    """Rule 4: the credential that replaces ``start`` now, following ``successor_of`` (id -> id of its re-issue).
    ``start`` when it has no successor. A cycle or a chain longer than ``MAX_CHAIN`` raises ValueError."""
    seen, current = {start}, start
    for _ in range(MAX_CHAIN + 1):  # MAX_CHAIN links, then the end must be reached
        nxt = successor_of.get(current)
        if nxt is None:
            return current
        if nxt in seen:
            raise ValueError("cycle in the chain of re-issued credentials")
        seen.add(nxt)
        current = nxt
    raise ValueError("chain of re-issued credentials too long")
