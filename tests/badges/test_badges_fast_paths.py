"""The verification's fast paths (issue 13, part 4): the memo of processed JSON-LD contexts, the RDF dataset built
from the checked expanded form, and the memo of a credential's proof result by the SHA-256 of the exact bytes and
the key. ``conftest.both_paths`` runs every verification and canonicalisation of the badges tests on the reference
path and on the fast path and compares them; the first tests here show that comparison fails when the two differ.
The others: the memo of the same bytes still sees a revocation, a key compromise and an expiry made after the
first verification (status, key and dates are read fresh each time), a one-byte change misses it, it is bounded and
safe across threads."""
import hashlib
import json
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from badges import jsonld, services, signing, verification
from badges.resolver import verify
from badges_testkit import PathsDiffer, clock, doc_of, issue, revoked_keys_stay_listed  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def proof_calls(monkeypatch):
    """The ids of the credentials whose proof ``signing.verify_proof`` checked (status lists left out)."""
    calls = []
    real = signing.verify_proof

    def counting(doc, *args, **kwargs):
        subject = doc.get("credentialSubject") if isinstance(doc, dict) else None
        if subject is not None and "encodedList" not in str(subject):
            calls.append(doc.get("id"))
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(signing, "verify_proof", counting)
    verification._CREDENTIAL_PROOFS.clear()
    return calls


def body_of(cred) -> bytes:
    return cred.signed_json.encode("utf-8")


# ------------------------------------------------------------------------ the comparison of the two paths can fail
def test_a_fast_path_that_drops_a_quad_is_caught(monkeypatch, ob_credential):
    body = body_of(issue())
    real = jsonld._BoundedProcessor.dataset

    def lossy(self, expanded, loader):
        dataset = real(self, expanded, loader)
        if jsonld.fast_paths():
            dataset["@default"] = dataset["@default"][:-1]
        return dataset

    monkeypatch.setattr(jsonld._BoundedProcessor, "dataset", lossy)
    with pytest.raises(PathsDiffer, match="canonical forms differ"):
        jsonld.canonicalize(ob_credential)
    with pytest.raises(PathsDiffer, match="reports differ"):
        verify(body)


def test_a_memo_that_answers_valid_for_other_bytes_is_caught(monkeypatch):
    good = issue()
    key = services.did_document()["verificationMethod"][-1]["publicKeyMultibase"]
    good_result = signing.verify_proof(doc_of(good), key)
    forged = doc_of(good)
    forged["name"] = "Master of everything"
    # A memo keyed by something else than the exact bytes (here: anything) answers "valid" for the forgery.
    monkeypatch.setattr(verification, "_credential_proof", lambda doc, pk, digest: good_result if jsonld.fast_paths()
                        else signing.verify_proof(doc, pk))
    with pytest.raises(PathsDiffer, match="reports differ"):
        verify(json.dumps(forged).encode("utf-8"))


def test_both_paths_refuse_the_forgery():
    forged = json.loads(issue().signed_json)
    forged["name"] = "Master of everything"
    report = verify(json.dumps(forged).encode("utf-8"))
    assert report.verdict == "INVALID" and report.check("proof").ok is False


# ------------------------------------------------------------------------ the memo of the same bytes
@pytest.mark.single_path
def test_the_same_bytes_are_checked_once_and_report_alike(proof_calls):
    cred = issue()
    first, again = verify(body_of(cred)), verify(body_of(cred))
    assert first.verdict == again.verdict == "VALID"
    assert first.as_dict() == again.as_dict()
    assert proof_calls == [json.loads(cred.signed_json)["id"]]


@pytest.mark.single_path
def test_a_one_byte_change_misses_the_memo(proof_calls):
    cred = issue()
    body = body_of(cred)
    assert verify(body).verdict == "VALID"
    assert verify(body + b" ").verdict == "VALID"  # the same document, other bytes: checked again
    assert len(proof_calls) == 2
    changed = body.replace(b"Audio Engineer", b"Audio Engineeq", 1)
    assert len(changed) == len(body) and changed != body
    report = verify(changed)
    assert report.verdict == "INVALID" and report.check("proof").ok is False
    assert len(proof_calls) == 3
    assert verify(body).verdict == "VALID" and len(proof_calls) == 3  # the original is still a hit


@pytest.mark.single_path
def test_a_revocation_after_the_first_verification_is_seen(proof_calls):
    cred = issue()
    assert verify(body_of(cred)).verdict == "VALID"
    services.revoke_credential(cred, reason="Fraud")
    report = verify(body_of(cred))
    assert report.verdict == "REVOKED"
    assert report.check("proof").ok is True and len(proof_calls) == 1  # the signature from the memo, the status fresh


@pytest.mark.single_path
def test_a_key_compromise_after_the_first_verification_is_seen(proof_calls, clock, django_capture_on_commit_callbacks):
    cred = issue()
    assert verify(body_of(cred)).verdict == "VALID"
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_key_compromised(cred.signing_key, reason="laptop stolen")
    report = verify(body_of(cred))
    assert report.verdict == "INVALID" and report.check("verification_method").ok is False


@pytest.mark.single_path
def test_a_key_revoked_from_before_the_signature_is_seen(proof_calls, clock, revoked_keys_stay_listed,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    cred = issue()
    clock.advance(seconds=60)
    assert verify(body_of(cred)).verdict == "VALID"
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_key_compromised(cred.signing_key, reason="leak",
                                         compromised_from=cred.issued_at - timedelta(seconds=1))
    report = verify(body_of(cred))
    assert report.verdict == "INVALID" and "revoked" in report.reason
    assert len(proof_calls) == 1


@pytest.mark.single_path
def test_an_expiry_after_the_first_verification_is_seen(proof_calls):
    now = timezone.now()
    cred = issue(valid_until=now + timedelta(days=1))
    assert verify(body_of(cred), now=now).verdict == "VALID"
    report = verify(body_of(cred), now=now + timedelta(days=2))
    assert report.verdict == "EXPIRED" and report.check("validity").ok is False
    assert len(proof_calls) == 1


@pytest.mark.single_path
def test_a_parsed_document_is_not_memoised(proof_calls):
    doc = doc_of(issue())
    assert verify(doc).verdict == verify(doc).verdict == "VALID"
    assert len(proof_calls) == 2


# Fast path only: the reference path (pyld's own context processing, never used by a server) is not thread-safe and
# failed now and then here with "invalid scoped context" while the fast path answered right.
@pytest.mark.single_path
def test_the_memo_is_bounded_and_safe_across_threads(monkeypatch):
    creds = [issue() for _ in range(6)]
    key = services.did_document()["verificationMethod"][-1]["publicKeyMultibase"]
    items = [(json.loads(c.signed_json), hashlib.sha256(body_of(c)).digest()) for c in creds]
    memo = verification.Memo(3)
    monkeypatch.setattr(verification, "_CREDENTIAL_PROOFS", memo)
    errors, results = [], []

    def work():
        try:
            for _ in range(4):
                for doc, digest in items:
                    results.append(verification._credential_proof(doc, key, digest).verified)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 4 * 4 * 6 and all(results)
    assert len(memo) == 3


def test_the_memo_keeps_only_pure_outcomes(monkeypatch):
    cred = issue()
    doc, digest = json.loads(cred.signed_json), hashlib.sha256(body_of(cred)).digest()
    key = services.did_document()["verificationMethod"][-1]["publicKeyMultibase"]
    verification._CREDENTIAL_PROOFS.clear()
    monkeypatch.setattr(signing, "verify_proof", lambda *a, **k: signing.ProofResult(False, "limit_exceeded", "CPU"))
    assert verification._credential_proof(doc, key, digest).error == "limit_exceeded"
    assert len(verification._CREDENTIAL_PROOFS) == 0  # a CPU-time refusal depends on the machine: not kept


# ------------------------------------------------------------------------ bulk issuance
@pytest.mark.parametrize("every", [0.0, 3600.0])
def test_a_bulk_job_records_its_progress_once_a_second_and_its_counters_at_the_end(monkeypatch, every):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from badges.models import BulkIssuance
    from badges_testkit import make_achievement
    from tests.factories import make_user

    monkeypatch.setattr(services, "BULK_PROGRESS_SECONDS", every)
    users = [make_user("student") for _ in range(4)]
    job = BulkIssuance.objects.create(achievement=make_achievement(), created_by=make_user("flowstage_staff"),
                                      recipients=[{"user_id": u.pk} for u in users] + [{"user_id": 0}], total=5)
    with CaptureQueriesContext(connection) as queries:
        job = services.run_bulk(job.pk)
    progress = [q for q in queries.captured_queries
                if q["sql"].startswith('UPDATE "badges_bulkissuance" SET "issued"')]
    assert (job.status, job.issued, job.skipped, job.failed) == ("done", 4, 1, 0)
    assert len(progress) == (6 if every == 0.0 else 1)  # each recipient and the end, or the end only


# ------------------------------------------------------------------------ the tree head's signature
@pytest.mark.single_path
def test_a_tree_head_is_checked_once_and_a_changed_one_misses(monkeypatch):
    from badges import checkpoint, transparency

    cred = issue()
    head = transparency.publish_tree_head(force=True)
    keys = list(checkpoint.issuer_keys(services.did_document(), services.issuer_did()))
    calls = []
    real = checkpoint.verify
    monkeypatch.setattr(checkpoint, "verify", lambda note, pks: calls.append(note) or real(note, pks))
    verification._VERIFIED_CHECKPOINTS.clear()
    assert verification._verified_checkpoint(head.note, keys)[0].tree_size == head.tree_size
    assert verification._verified_checkpoint(head.note, keys)[0].tree_size == head.tree_size
    assert len(calls) == 1
    forged = head.note.replace(f"\n{head.tree_size}\n", f"\n{head.tree_size + 1}\n", 1)
    assert forged != head.note
    with pytest.raises(checkpoint.CheckpointError):
        verification._verified_checkpoint(forged, keys)
    with pytest.raises(checkpoint.CheckpointError):
        verification._verified_checkpoint(forged, keys)  # a failure is never kept
    assert len(calls) == 3
    report = verify(body_of(cred))
    assert report.check("log").ok is True and "tree head signed" in report.check("log").detail
