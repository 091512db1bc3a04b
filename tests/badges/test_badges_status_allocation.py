"""Status list entries allocated at random within the list (Bitstring Status List: SHOULD be random), never twice,
under concurrency, and a full list rolls to a new one."""
import random
import threading

import pytest
from django.db import connection

from badges import services, statuslist
from badges.models import Credential, StatusList
from badges_testkit import doc_of, issue, make_achievement, verify_doc
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_200_issued_credentials_have_unique_non_monotonic_indices():
    user, ach = make_user("student"), make_achievement()
    creds = [issue(user, ach) for _ in range(200)]
    indices = [c.status_index for c in creds]
    assert len(set(indices)) == 200
    assert indices != sorted(indices) and indices != sorted(indices, reverse=True)
    assert max(indices) >= 1000  # spread over the list, not the first 200 entries
    assert {c.status_list.number for c in creds} == {1}
    signed = [int(doc_of(c)["credentialStatus"]["statusListIndex"]) for c in creds]
    assert signed == indices
    sl = StatusList.objects.get(number=1)
    assert sl.next_index == 200 and statuslist.count_set(sl.allocated) == 200
    assert all(statuslist.get_bit(sl.allocated, i) for i in indices)


def test_revocation_sets_the_random_entry_only():
    creds = [issue() for _ in range(5)]
    services.revoke_credential(creds[2], reason="Fraud")
    assert verify_doc(doc_of(creds[2])).verdict == "REVOKED"
    assert [verify_doc(doc_of(c)).verdict for i, c in enumerate(creds) if i != 2] == ["VALID"] * 4


def test_legacy_sequential_list_keeps_its_allocated_prefix():
    """A list from before random allocation (no map): its first next_index entries are taken."""
    first = issue()
    sl = first.status_list
    StatusList.objects.filter(pk=sl.pk).update(allocated=b"", next_index=50_000)
    rng = random.Random(5)
    for _ in range(30):
        _, index = services.allocate_status_entry(rng)
        assert index >= 50_000
    sl.refresh_from_db()
    assert statuslist.count_set(sl.allocated) == 50_030 and sl.next_index == 50_030


def test_full_list_rolls_to_a_new_list():
    cred = issue()
    sl = cred.status_list
    full = bytearray(b"\xff" * (sl.size // 8))
    statuslist.set_bit(full, 4242, False)  # one entry left
    StatusList.objects.filter(pk=sl.pk).update(allocated=bytes(full), next_index=sl.size - 1)
    last = issue()
    assert (last.status_list.number, last.status_index) == (1, 4242)
    assert StatusList.objects.get(pk=sl.pk).next_index == sl.size
    rolled = issue()
    assert rolled.status_list.number == 2 and rolled.status_list.signed_json
    assert doc_of(rolled)["credentialStatus"]["statusListCredential"].endswith("/status/2")
    assert verify_doc(doc_of(rolled)).verdict == "VALID"
    services.revoke_credential(rolled, reason="Fraud")
    assert verify_doc(doc_of(rolled)).verdict == "REVOKED"
    assert verify_doc(doc_of(last)).verdict == "VALID"


def test_an_entry_already_taken_is_drawn_again_and_signed_anew(monkeypatch):
    """The unique status entry is the backstop: if the allocation map is ever out of step with the rows, the
    issuance draws another entry and signs the credential with it (never two credentials on one entry)."""
    first = issue()
    sl = first.status_list
    StatusList.objects.filter(pk=sl.pk).update(allocated=bytes(sl.size // 8))  # the map forgot every entry
    draws = iter([first.status_index, 777])
    monkeypatch.setattr(services, "_RANDOM", type("R", (), {"randrange": lambda self, n: next(draws)})())
    second = issue()
    assert second.status_index == 777 and second.status_list_id == sl.pk
    assert doc_of(second)["credentialStatus"]["statusListIndex"] == "777"
    assert verify_doc(doc_of(second)).verdict == "VALID"
    assert Credential.objects.filter(status_list=sl, status_index=first.status_index).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_never_share_an_entry():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database with row locks and concurrent connections (services run)")
    ach = make_achievement()
    users = [make_user("student") for _ in range(6)]
    issue(users[0], ach)  # the list and the key exist
    results, errors = [], []

    def run(user):
        from django.db import connections

        try:
            for _ in range(5):
                results.append(services.issue_credential(user, ach, notify=False).credential.status_index)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 30
    indices = list(Credential.objects.values_list("status_index", flat=True))
    assert len(indices) == len(set(indices)) == 31
    sl = StatusList.objects.get(number=1)
    assert sl.next_index == 31 and statuslist.count_set(sl.allocated) == 31
