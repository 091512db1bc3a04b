"""The issuance log (badges/transparency.py): appended with issuance, re-issuance and revocation in the same
transaction; the verification report's log check; the public API and its refusals; ``manage.py audit_log``
against a tampered, rewritten or shrunk log; the backfill; concurrent appends on PostgreSQL."""
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from badges import checkpoint, merkle, services, transparency
from badges.models import Credential, IssuanceLog, LogEntry, LogNode, TreeHead
from tests.badges.badges_testkit import doc_of, issue, make_achievement, verify_doc
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _root_from_entries() -> bytes:
    return merkle.root_of_leaves([merkle.leaf_hash(e.data.encode()) for e in LogEntry.objects.order_by("index")])


def test_issue_revoke_reissue_are_logged_densely_with_digests_only():
    a, b = issue(), issue()
    services.revoke_credential(a, reason="Fraud")
    services.revoke_credential(Credential.objects.get(pk=a.pk), reason="Fraud")  # idempotent: logged once
    entries = list(LogEntry.objects.order_by("index"))
    assert [e.index for e in entries] == list(range(len(entries)))
    assert [e.event for e in entries] == ["issued", "issued", "revoked"]
    assert IssuanceLog.objects.get(pk=1).size == len(entries)
    first = merkle.parse_entry(entries[0].data)
    assert first["credential"] == merkle.credential_digest(doc_of(a)) == entries[0].digest
    for e in entries:  # no name, no e-mail, no credential id in what is published
        assert a.user.email not in e.data and str(a.pk) not in e.data and str(b.pk) not in e.data
    assert merkle.parse_entry(entries[2].data)["event"] == "revoked"
    assert transparency.root(len(entries)) == _root_from_entries()


def test_reissue_after_compromise_logs_the_new_document(settings):
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 0
    cred = issue()
    old_key = services.signing_key()
    services.create_key()
    services.signing_key()  # the new key takes over
    services.declare_key_compromised(old_key, reason="leaked", compromised_from=cred.issued_at)
    new = services.reissue_credential(Credential.objects.get(pk=cred.pk)).credential
    entry = LogEntry.objects.order_by("-index").first()
    parsed = merkle.parse_entry(entry.data)
    assert (entry.event, entry.credential_id) == ("reissued", new.pk)
    assert parsed["credential"] == merkle.credential_digest(doc_of(new))
    assert parsed["replaces"] == merkle.credential_digest(doc_of(cred))
    transparency.publish_tree_head(force=True)
    report = verify_doc(doc_of(new))
    assert report.check("log").ok, report.check("log").detail  # (the status list awaits its re-signing sweep)


def test_a_rolled_back_issuance_leaves_no_entry():
    ach, user = make_achievement(), make_user("student")
    issue(user, ach)
    before = IssuanceLog.objects.get(pk=1).size
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            issue(make_user("student"), ach)
            raise RuntimeError("the caller's transaction fails after the issuance")
    assert IssuanceLog.objects.get(pk=1).size == before == LogEntry.objects.count()


def test_verification_reports_the_log_check_with_index_size_and_head():
    creds = [issue() for _ in range(3)]
    head = transparency.publish_tree_head(force=True)
    report = verify_doc(doc_of(creds[1]))
    check = report.check("log")
    assert report.verdict == "VALID" and check.ok is True and not check.warning
    assert "entry 1 of the tree of 3 entries" in check.detail
    assert head.timestamp.strftime("%Y-%m-%d") in check.detail
    # a holder's pretty-printed copy has the same canonical digest
    report = verify_doc(json.dumps(doc_of(creds[2]), indent=4).encode())
    assert report.check("log").ok is True


def test_an_entry_newer_than_the_latest_head_is_pending(settings):
    settings.BADGES_LOG_HEAD_INTERVAL = 3600
    issue()
    transparency.publish_tree_head(force=True)
    cred = issue()
    check = verify_doc(doc_of(cred)).check("log")
    assert check.ok is True and "not yet in a signed tree head" in check.detail


def test_a_credential_missing_from_the_log_is_a_warning_not_a_verdict(monkeypatch):
    issue()
    monkeypatch.setattr(transparency, "append", lambda *a, **k: None)
    unlogged = issue()
    monkeypatch.undo()
    report = verify_doc(doc_of(unlogged))
    check = report.check("log")
    assert report.verdict == "VALID"
    assert check.ok is False and check.warning and check.detail == "not listed in the issuer's issuance log"
    assert {"name": "log", "ok": False, "detail": check.detail, "warning": True} in report.as_dict()["checks"]


def test_a_lying_log_answer_is_caught_by_the_verifier(monkeypatch):
    creds = [issue() for _ in range(4)]
    transparency.publish_tree_head(force=True)
    from badges.resolver import DatabaseResolver

    real = DatabaseResolver.log_inclusion  # the resolver's answer, whichever way it read it

    def forged(self, digest):
        info = real(self, digest)
        info["inclusion_path"] = [("00" * 32)] + info["inclusion_path"][1:]
        return info

    monkeypatch.setattr(DatabaseResolver, "log_inclusion", forged)
    check = verify_doc(doc_of(creds[0])).check("log")
    assert check.ok is False and check.warning and "does not verify" in check.detail

    def resigned(self, digest):  # a tree head signed by a key that is not the issuer's
        from badges import signing

        info = real(self, digest)
        cp = checkpoint.parse(info["checkpoint"])
        info["checkpoint"] = checkpoint.sign(cp.origin, cp.tree_size, cp.root_hash, cp.timestamp,
                                             signing.generate_private_key())
        return info

    monkeypatch.setattr(DatabaseResolver, "log_inclusion", resigned)
    check = verify_doc(doc_of(creds[0])).check("log")
    assert check.ok is False and "signature does not verify" in check.detail


def test_a_new_head_at_most_every_interval_and_only_when_the_log_grew(settings):
    from badges import tasks

    settings.BADGES_LOG_HEAD_INTERVAL = 3600
    issue()
    first = transparency.publish_tree_head()
    assert first.tree_size == 1
    issue()
    assert transparency.publish_tree_head().pk == first.pk  # younger than the interval
    assert tasks.publish_tree_head() == 1
    settings.BADGES_LOG_HEAD_INTERVAL = 0
    assert tasks.publish_tree_head() == 2  # the beat task signs the grown log
    assert transparency.publish_tree_head(force=True).tree_size == 2 == TreeHead.objects.count()  # not grown


def test_checkpoint_format_round_trip_and_refusals():
    issue()
    head = transparency.publish_tree_head(force=True)
    lines = head.note.split("\n")
    assert lines[0] == transparency.origin() and lines[1] == str(head.tree_size)
    assert lines[3].startswith("timestamp ") and lines[4] == "" and lines[5].startswith("\u2014 ")
    keys = checkpoint.issuer_keys(services.did_document(), services.issuer_did())
    cp, _pk = checkpoint.verify(head.note, list(keys))
    assert cp.root_hash.hex() == head.root_hash == transparency.root(head.tree_size).hex()
    for bad in (head.note.replace(f"\n{head.tree_size}\n", f"\n{head.tree_size + 1}\n", 1),
                head.note.replace("timestamp 2", "timestamp 1", 1), head.note[:-2] + "\n", "", "x" * 5000):
        with pytest.raises(checkpoint.CheckpointError):
            checkpoint.verify(bad, list(keys))


# ------------------------------------------------------------------------------------ API
def test_api_serves_heads_proofs_and_entries_that_verify(client, settings):
    settings.BADGES_LOG_HEAD_INTERVAL = 0
    creds = [issue() for _ in range(5)]
    services.revoke_credential(creds[0], reason="Fraud")
    first = transparency.publish_tree_head(force=True)
    creds.append(issue())
    resp = client.get("/api/v1/log/tree-heads/latest")
    assert resp.status_code == 200
    latest = resp.json()
    assert latest["tree_size"] == 7 and latest["tree_size"] > first.tree_size
    keys = checkpoint.issuer_keys(client.get("/.well-known/did.json").json(), services.issuer_did())
    cp, _ = checkpoint.verify(latest["checkpoint"], list(keys))
    assert cp.root_hash.hex() == latest["root_hash"]
    assert client.get("/api/v1/log/checkpoint").content.decode() == latest["checkpoint"]

    heads = client.get("/api/v1/log/tree-heads").json()
    assert [h["tree_size"] for h in heads["tree_heads"]] == [6, 7] and heads["next"] is None
    page = client.get("/api/v1/log/tree-heads", {"limit": "1"}).json()
    assert [h["tree_size"] for h in page["tree_heads"]] == [6] and page["next"] == 6

    for params in ({"credential": str(creds[3].pk)}, {"credential": services.credential_url(creds[3].pk)},
                   {"digest": merkle.credential_digest(doc_of(creds[3]))}):
        proof = client.get("/api/v1/log/proof/inclusion", params).json()
        assert proof["leaf_index"] == 3 and proof["tree_size"] == 7
        merkle.verify_inclusion(3, 7, merkle.leaf_hash(proof["entry"].encode()),
                                [bytes.fromhex(h) for h in proof["inclusion_path"]], cp.root_hash)
    by_leaf = client.get("/api/v1/log/proof/inclusion", {"leaf_hash": proof["leaf_hash"], "tree_size": "4"}).json()
    assert by_leaf["tree_size"] == 4 and by_leaf["leaf_index"] == 3

    cons = client.get("/api/v1/log/proof/consistency", {"first": "6", "second": "7"}).json()
    merkle.verify_consistency(6, 7, bytes.fromhex(first.root_hash), cp.root_hash,
                              [bytes.fromhex(h) for h in cons["consistency_path"]])
    entries = client.get("/api/v1/log/entries", {"start": "0", "end": "7"}).json()["entries"]
    assert [e["index"] for e in entries] == list(range(7))
    assert merkle.root_of_leaves([bytes.fromhex(e["leaf_hash"]) for e in entries]) == cp.root_hash
    assert json.loads(entries[5]["entry"])["event"] == "revoked"


@pytest.mark.parametrize("url,params,status", [
    ("/api/v1/log/proof/consistency", {"first": "-1", "second": "2"}, 400),
    ("/api/v1/log/proof/consistency", {"first": "abc", "second": "2"}, 400),
    ("/api/v1/log/proof/consistency", {"first": "1", "second": "99"}, 400),
    ("/api/v1/log/proof/consistency", {"first": "3", "second": "2"}, 400),
    ("/api/v1/log/proof/consistency", {"first": "1"}, 400),
    ("/api/v1/log/proof/consistency", {"first": "1" * 40, "second": "2"}, 400),
    ("/api/v1/log/proof/consistency", {"first": "١", "second": "2"}, 400),  # a non-ASCII digit
    ("/api/v1/log/entries", {"start": "2", "end": "1"}, 400),
    ("/api/v1/log/entries", {"start": "0", "end": "99"}, 400),
    ("/api/v1/log/entries", {"start": "x", "end": "1"}, 400),
    ("/api/v1/log/tree-heads", {"after": "-5"}, 400),
    ("/api/v1/log/tree-heads", {"limit": "many"}, 400),
    ("/api/v1/log/proof/inclusion", {}, 400),
    ("/api/v1/log/proof/inclusion", {"credential": "not-a-uuid"}, 400),
    ("/api/v1/log/proof/inclusion", {"digest": "zz"}, 400),
    ("/api/v1/log/proof/inclusion", {"digest": "ab" * 32, "leaf_hash": "ab" * 32}, 400),
    ("/api/v1/log/proof/inclusion", {"digest": "ab" * 32}, 404),
    ("/api/v1/log/proof/inclusion", {"credential": "00000000-0000-0000-0000-000000000000"}, 404),
    ("/api/v1/log/proof/inclusion", {"CRED": "x", "tree_size": "-1"}, 400),
])
def test_api_refuses_bad_input_with_a_reason(client, url, params, status):
    issue(), issue()
    transparency.publish_tree_head(force=True)
    resp = client.get(url, params)
    assert resp.status_code == status, resp.content
    assert resp.json()["detail"]


def test_api_inclusion_refuses_a_tree_too_small_for_the_entry(client):
    creds = [issue() for _ in range(3)]
    resp = client.get("/api/v1/log/proof/inclusion", {"credential": str(creds[2].pk), "tree_size": "2"},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400 and "not in a tree of 2" in resp.json()["detail"]


def test_api_errors_are_in_french_by_default(client):
    issue()
    resp = client.get("/api/v1/log/entries", {"start": "x", "end": "1"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert resp.status_code == 400 and "nombre entier" in resp.json()["detail"]


def test_api_is_rate_limited(client, settings):
    import uuid

    settings.RATELIMIT_ENABLE = True
    settings.BADGES_LOG_API_RATE = "2/m"
    alias = settings.RATELIMIT_USE_CACHE  # counters of this test only (see test_badges_dos.rate_limits)
    settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "KEY_PREFIX": f"rl-{uuid.uuid4().hex}"}}
    issue()
    codes = [client.get("/api/v1/log/tree-heads/latest", REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_api_is_documented_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/log/tree-heads/latest", "/api/v1/log/tree-heads", "/api/v1/log/proof/inclusion",
                 "/api/v1/log/proof/consistency", "/api/v1/log/entries", "/api/v1/log/checkpoint"):
        assert path in paths


# ------------------------------------------------------------------------------------ audit
def _grow(n):
    for _ in range(n):
        issue()
    return transparency.publish_tree_head(force=True)


def test_audit_passes_and_then_sees_the_log_grow(tmp_path, capsys):
    state = tmp_path / "state.json"
    _grow(3)
    call_command("audit_log", "--state", str(state), "--entries")
    assert json.loads(state.read_text())["tree_size"] == 3
    _grow(2)
    _grow(4)
    call_command("audit_log", "--state", str(state), "--entries")
    out = capsys.readouterr().out
    assert "grew from 3 to 9 entries" in out and "9 entries recomputed" in out
    assert json.loads(state.read_text())["tree_size"] == 9


def _audit_fails(*args) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_log", *args)
    assert exc.value.returncode == 1
    return str(exc.value)


def test_audit_fails_on_a_tampered_entry():
    _grow(5)
    entry = LogEntry.objects.get(index=2)
    LogEntry.objects.filter(pk=entry.pk).update(data=entry.data.replace('"issued"', '"revoked"'))
    call_command("audit_log")  # heads and consistency alone do not read the entries
    assert "entry 2" in _audit_fails("--entries")


def test_audit_fails_on_a_tampered_node():
    _grow(3)
    _grow(2)  # heads of 3 and 5: the proof between them reads leaf 2
    LogNode.objects.filter(level=0, index=2).update(hash="11" * 32)
    assert "not consistent between its tree heads of size 3 and 5" in _audit_fails()


def test_audit_fails_when_the_log_rewrote_or_shrank(tmp_path):
    state = tmp_path / "state.json"
    _grow(4)
    call_command("audit_log", "--state", str(state))
    # the operator rebuilds history: another entry 3, every node and head recomputed and re-signed
    seen = json.loads(state.read_text())
    e = LogEntry.objects.get(index=3)
    LogEntry.objects.filter(pk=e.pk).update(data=e.data.replace('"issued"', '"revoked"'))
    LogNode.objects.all().delete()
    nodes = {}
    for i, entry in enumerate(LogEntry.objects.order_by("index")):
        for lv, ix, h in merkle.perfect_nodes_after_append(i, merkle.leaf_hash(entry.data.encode()),
                                                           lambda lv, ix: nodes[(lv, ix)]):
            nodes[(lv, ix)] = h
    LogNode.objects.bulk_create([LogNode(level=lv, index=ix, hash=h.hex()) for (lv, ix), h in nodes.items()])
    TreeHead.objects.all().delete()
    transparency.publish_tree_head(force=True)
    assert TreeHead.objects.get().root_hash != seen["root_hash"]
    call_command("audit_log")  # alone, the rewritten log is self-consistent…
    assert "rewrote its history" in _audit_fails("--state", str(state))  # …but not with what was seen
    state.write_text(json.dumps({**seen, "tree_size": 40}))
    assert "shrank" in _audit_fails("--state", str(state))


def test_audit_fails_on_a_forged_tree_head():
    _grow(2)
    head = _grow(1)
    TreeHead.objects.filter(pk=head.pk).update(note=head.note.replace("\n3\n", "\n4\n", 1))
    assert "tree head of size 3" in _audit_fails()


def test_audit_over_http(live_server, tmp_path):
    _grow(3)
    state = tmp_path / "s.json"
    from django.test import override_settings

    with override_settings(PUBLIC_BASE_URL=services.base_url()):
        call_command("audit_log", "--url", live_server.url, "--state", str(state), "--entries")
    assert json.loads(state.read_text())["tree_size"] == 3


# ------------------------------------------------------------------------------------ backfill
def test_backfill_logs_earlier_credentials_in_issuance_order(monkeypatch):
    import importlib

    from django.apps import apps

    monkeypatch.setattr(transparency, "append", lambda *a, **k: None)
    creds = [issue() for _ in range(4)]
    services.revoke_credential(creds[1], reason="Fraud")
    monkeypatch.undo()
    assert not LogEntry.objects.exists()
    IssuanceLog.objects.filter(pk=1).update(size=0)
    migration = importlib.import_module("badges.migrations.0009_backfill_issuance_log")
    migration.backfill(apps, None)
    entries = list(LogEntry.objects.order_by("index"))
    assert [e.event for e in entries] == ["issued"] * 4 + ["revoked"]
    assert [e.credential_id for e in entries[:4]] == [c.pk for c in sorted(creds, key=lambda c: (c.issued_at, str(c.pk)))]
    assert transparency.root(5) == _root_from_entries()
    nxt = issue()  # appends continue after the backfilled entries
    assert LogEntry.objects.get(credential=nxt).index == 5
    transparency.publish_tree_head(force=True)
    assert verify_doc(doc_of(creds[0])).check("log").ok


# ------------------------------------------------------------------------------------ concurrency (PostgreSQL)
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_get_dense_unique_indices():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database with row locks and concurrent connections (services run)")
    cred = issue()
    errors = []

    def run():
        from django.db import connections

        try:
            for _ in range(10):
                with transaction.atomic():
                    transparency.append("revoked", cred)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    indices = sorted(LogEntry.objects.values_list("index", flat=True))
    assert indices == list(range(61)) and IssuanceLog.objects.get(pk=1).size == 61
    assert transparency.root(61) == _root_from_entries()


# ------------------------------------------------------------------------------------ the benchmark, tiny
def test_the_benchmark_runs_small():
    """bench/badges_log.py on 40 entries and 5 samples: every operation measured, and the bounded query counts
    (an append: the lock, the siblings, the nodes, the entry, the size; a proof or a root: the size and one read
    of its nodes)."""
    import importlib
    import os
    import sys
    from pathlib import Path
    from unittest import mock

    bench = str(Path(__file__).resolve().parents[2] / "bench")
    with mock.patch.dict(os.environ), mock.patch.object(sys, "path", [bench, *sys.path]):
        module = importlib.import_module("badges_log")  # its set-up touches the environment: restored after
    lines = []
    figures = module.measure(40, 5, out=lines.append)
    assert set(figures) == {"append", "inclusion proof (service)", "consistency proof (service)", "tree head root",
                            "one-row query (database floor)",
                            "GET /api/v1/log/proof/consistency", "GET /api/v1/log/proof/inclusion"}
    assert all(f["p95"] >= f["p50"] > 0 for f in figures.values())
    assert figures["append"]["queries"] <= 9
    assert figures["inclusion proof (service)"]["queries"] <= 2
    assert figures["consistency proof (service)"]["queries"] <= 2
    assert figures["tree head root"]["queries"] <= 1
    assert any("appended 40 entries" in line for line in lines)
