"""The database resolver reads what a verification needs in one statement, every time: nothing that can change is
kept from one verification to the next (a revocation, a key compromise or retirement, a new tree head, a changed
status list are seen by the very next verification); only what is a pure function of what was just read is kept."""
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from badges import merkle, services, transparency
from badges.models import SigningKey, StatusList
from badges.resolver import DatabaseResolver
from badges.verification import verify_credential
from badges_testkit import doc_of, issue

pytestmark = [pytest.mark.django_db, pytest.mark.single_path]  # counts the fast path's own queries


def body_of(cred) -> bytes:
    return cred.signed_json.encode("utf-8")


def verify_counting(raw):
    with CaptureQueriesContext(connection) as queries:
        report = verify_credential(raw, DatabaseResolver())
    return report, [q["sql"] for q in queries.captured_queries]


def test_one_statement_per_verification_once_the_path_is_known():
    creds = [issue() for _ in range(5)]
    transparency.publish_tree_head(force=True)
    report, sql = verify_counting(body_of(creds[1]))
    assert report.verdict == "VALID" and "tree head signed" in report.check("log").detail
    assert len(sql) == 2 and "UNION ALL" in sql[0] and "lognode" in sql[1]  # the inclusion path's nodes, once
    report, sql = verify_counting(body_of(creds[1]))
    assert report.verdict == "VALID" and "tree head signed" in report.check("log").detail
    assert len(sql) == 1, sql


def test_a_revocation_is_seen_by_the_next_verification():
    cred = issue()
    transparency.publish_tree_head(force=True)
    assert verify_counting(body_of(cred))[0].verdict == "VALID"
    services.revoke_credential(cred, reason="fraud")
    report, sql = verify_counting(body_of(cred))
    assert report.verdict == "REVOKED" and len(sql) <= 2


def test_a_status_list_changed_behind_the_models_back_is_read_again():
    cred = issue()
    raw = body_of(cred)
    assert verify_counting(raw)[0].verdict == "VALID"
    StatusList.objects.update(signed_json="")  # no save(), no signal: the stored text itself is read each time
    report, _ = verify_counting(raw)
    assert report.verdict == "INVALID" and "unavailable" in report.check("status").detail


def test_a_key_compromise_is_seen_by_the_next_verification_and_forgeries_after_it_fail():
    cred = issue()
    raw = body_of(cred)
    assert verify_counting(raw)[0].verdict == "VALID"
    key = SigningKey.objects.get()
    # Behind the models' back: the compromise dated before the credential's signature.
    SigningKey.objects.filter(pk=key.pk).update(status=SigningKey.Status.REVOKED,
                                                revoked_from=cred.issued_at - timedelta(hours=1))
    report, _ = verify_counting(raw)
    assert report.verdict == "INVALID" and report.check("verification_method").ok is False


def test_a_retirement_is_read_with_the_keys():
    cred = issue()
    key = SigningKey.objects.get()
    SigningKey.objects.filter(pk=key.pk).update(status=SigningKey.Status.RETIRED,
                                                retired_at=cred.issued_at - timedelta(minutes=1))
    report, _ = verify_counting(body_of(cred))
    assert report.verdict == "INVALID" and "retired" in report.check("verification_method").detail


def test_an_old_head_lets_the_log_sign_a_new_one(settings):
    settings.BADGES_LOG_HEAD_INTERVAL = 60
    first = issue()
    old = transparency.publish_tree_head(force=True)
    type(old).objects.filter(pk=old.pk).update(timestamp=old.timestamp - timedelta(minutes=5))
    later = issue()  # not in the old head
    report, _ = verify_counting(body_of(later))
    assert report.check("log").ok and "tree of 2 entries" in report.check("log").detail
    assert transparency.publish_tree_head().tree_size == 2
    assert verify_counting(body_of(first))[0].check("log").ok


def test_a_young_head_not_covering_the_credential_says_pending(settings):
    settings.BADGES_LOG_HEAD_INTERVAL = 3600
    issue()
    transparency.publish_tree_head(force=True)
    later = issue()
    report, sql = verify_counting(body_of(later))
    assert report.verdict == "VALID" and "not yet in a signed tree head" in report.check("log").detail
    assert len(sql) == 1


def test_each_answer_stands_alone_for_another_credential_than_the_prefetched_one():
    a, b = issue(), issue()
    transparency.publish_tree_head(force=True)
    resolver = DatabaseResolver()
    doc_a = doc_of(a)
    resolver.prefetch(doc_a, merkle.credential_digest(doc_a))
    doc_b = doc_of(b)
    assert resolver.issued_at(doc_b["id"]) == b.issued_at
    assert resolver.issued_at(doc_a["id"]) == a.issued_at
    assert resolver.log_inclusion(merkle.credential_digest(doc_b))["leaf_index"] == 1
    assert resolver.status_list_credential(services.status_list_url(999)) is None
    assert resolver.issued_at("urn:uuid:not-a-uuid") is None and resolver.issued_at(["x"]) is None


def test_crafted_ids_and_status_urls_never_reach_the_sql_as_text():
    cred = issue()
    doc = doc_of(cred)
    doc["id"] = services.base_url() + "/credentials/' OR 1=1 --"
    doc["credentialStatus"]["statusListCredential"] = services.base_url() + "/status/1; DROP TABLE x"
    resolver = DatabaseResolver()
    resolver.prefetch(doc, "x' OR '1'='1")
    assert resolver.issued_at(doc["id"]) is None
    assert resolver.status_list_credential(doc["credentialStatus"]["statusListCredential"]) is None
    assert resolver.log_inclusion("x' OR '1'='1") is None
    assert verify_credential(json.dumps(doc), DatabaseResolver()).verdict == "INVALID"


def test_a_failing_prefetch_leaves_each_answer_to_its_own_query(monkeypatch):
    cred = issue()
    transparency.publish_tree_head(force=True)

    def broken(self, doc, digest):
        raise RuntimeError("the database went away for a moment")

    monkeypatch.setattr(DatabaseResolver, "prefetch", broken)
    report, sql = verify_counting(body_of(cred))
    assert report.verdict == "VALID" and report.check("log").ok and len(sql) > 2


def test_prefetch_reads_naive_and_text_timestamps_as_utc():
    from badges.resolver import _aware

    assert _aware("2026-12-01 06:27:32.358094").tzinfo is not None
    assert _aware(timezone.now().replace(tzinfo=None)).tzinfo is not None
    assert _aware(None) is None


def test_the_registry_is_asked_only_when_the_key_has_a_date_to_compare_with():
    cred = issue()
    raw = body_of(cred)
    asked = []

    class Spy(DatabaseResolver):
        def issued_at(self, credential_id):
            asked.append(credential_id)
            return super().issued_at(credential_id)

    assert verify_credential(raw, Spy()).verdict == "VALID" and asked == []  # an active key: nothing to compare
    SigningKey.objects.filter(pk=SigningKey.objects.get().pk).update(
        status=SigningKey.Status.RETIRED, retired_at=cred.issued_at + timedelta(hours=1))
    report = verify_credential(raw, Spy())
    assert report.verdict == "VALID" and asked == [doc_of(cred)["id"]]  # signed before the retirement: still valid


def test_an_inclusion_path_missing_a_hash_read_with_the_entry_is_read_by_the_stores_own_query():
    creds = [issue() for _ in range(5)]
    transparency.publish_tree_head(force=True)
    entry = transparency.entry_for(digest=merkle.credential_digest(doc_of(creds[2])))
    expected = transparency.inclusion(entry, 5)
    assert DatabaseResolver._inclusion(entry, 5, {}) == expected  # nothing read with the entry: KeyError, then read
    assert DatabaseResolver._inclusion(entry, 5, None) == expected
