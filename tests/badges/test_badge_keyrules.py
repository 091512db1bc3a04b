"""The pure rules of the signing keys (badges.keyrules): which key signs at time t, rotation vs compromise in the
DID document, the chain of re-issued credentials."""
from datetime import datetime, timedelta, timezone

import pytest

from badges import keyrules
from badges.keyrules import ACTIVE, PENDING, RETIRED, REVOKED, KeyState

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
MAX_AGE = 300


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def key(number, status, usable_seconds=0):
    return KeyState(number, status, at(usable_seconds))


# ------------------------------------------------------------------------------------ publication before use
def test_a_key_signs_only_after_the_did_document_cache_lifetime():
    assert keyrules.usable_from(T0, MAX_AGE) == at(300)
    assert keyrules.usable_from(T0, 0) == T0


def test_the_first_key_signs_at_once():
    assert keyrules.usable_from(T0, MAX_AGE, first_key=True) == T0


def test_negative_max_age_is_refused():
    with pytest.raises(ValueError):
        keyrules.usable_from(T0, -1)


# ------------------------------------------------------------------------------------ which key signs at t
@pytest.mark.parametrize("t,expected", [(0, 1), (299, 1), (300, 2), (10_000, 2)])
def test_rotation_old_key_signs_until_the_new_one_is_usable(t, expected):
    keys = [key(1, ACTIVE, -1000), key(2, PENDING, 300)]
    assert keyrules.signer_at(keys, at(t)).number == expected


def test_the_newest_usable_key_signs():
    keys = [key(1, ACTIVE, -1000), key(2, PENDING, 100), key(3, PENDING, 200)]
    assert keyrules.signer_at(keys, at(150)).number == 2
    assert keyrules.signer_at(keys, at(200)).number == 3


def test_retired_and_compromised_keys_never_sign():
    keys = [key(1, RETIRED, -1000), key(2, REVOKED, -500)]
    assert keyrules.signer_at(keys, at(0)) is None
    assert keyrules.next_usable_at(keys, at(0)) is None
    assert keyrules.needs_successor(keys)


def test_compromise_without_a_published_successor_waits_for_the_new_key():
    keys = [key(1, REVOKED, -1000), key(2, PENDING, 300)]
    assert keyrules.signer_at(keys, at(0)) is None
    assert keyrules.next_usable_at(keys, at(0)) == at(300)
    assert keyrules.signer_at(keys, at(300)).number == 2
    assert not keyrules.needs_successor(keys)


def test_next_usable_at_is_now_when_a_key_signs():
    keys = [key(1, ACTIVE, -10)]
    assert keyrules.next_usable_at(keys, at(0)) == at(0)


def test_next_usable_at_is_the_earliest_pending():
    keys = [key(1, REVOKED, -10), key(2, PENDING, 400), key(3, PENDING, 350)]
    assert keyrules.next_usable_at(keys, at(0)) == at(350)


def test_no_keys_at_all():
    assert keyrules.signer_at([], T0) is None
    assert keyrules.needs_successor([])


# ------------------------------------------------------------------------------------ rotation vs compromise
@pytest.mark.parametrize("status,listed", [(PENDING, True), (ACTIVE, True), (RETIRED, True), (REVOKED, False)])
def test_only_a_compromised_key_leaves_assertion_method(status, listed):
    assert keyrules.listed_for_assertion(status) is listed


def test_unknown_status_is_an_error():
    with pytest.raises(ValueError):
        keyrules.listed_for_assertion("lost")


# ------------------------------------------------------------------------------------ superseded chain
def test_chain_without_successor_is_itself():
    assert keyrules.current_of_chain("a", {}) == "a"


def test_chain_is_followed_to_its_end():
    assert keyrules.current_of_chain("a", {"a": "b", "b": "c", "x": "y"}) == "c"
    assert keyrules.current_of_chain("b", {"a": "b", "b": "c"}) == "c"


def test_chain_cycle_is_an_error():
    with pytest.raises(ValueError, match="cycle"):
        keyrules.current_of_chain("a", {"a": "b", "b": "a"})


def test_chain_too_long_is_an_error():
    chain = {i: i + 1 for i in range(keyrules.MAX_CHAIN + 1)}
    with pytest.raises(ValueError, match="too long"):
        keyrules.current_of_chain(0, chain)
    assert keyrules.current_of_chain(0, {i: i + 1 for i in range(keyrules.MAX_CHAIN)}) == keyrules.MAX_CHAIN
