"""What a verification reads is kept only while no committed change to it could have gone unheard (badges.changes,
badges.resolver): on PostgreSQL each process listens for the notifications the triggers send at commit. These tests
commit from other connections (a revocation, a compromise, a rewritten status list, a new head), as another
process would, and check that the next verification after the notification sees it; and that where a change could
go unheard (inside a transaction, SQLite, the listener down or silent) everything is read every time."""
import threading
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from badges import changes, merkle, resolver, services, transparency
from badges.models import Credential, SigningKey, StatusList
from badges.resolver import DatabaseResolver
from badges.verification import verify_credential
from badges_testkit import doc_of, issue

pytestmark = [pytest.mark.single_path]  # counts the fast path's own queries


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    """What the resolver keeps is per process, by generation: a test's rolled-back rows must not outlive it."""
    resolver._KEPT = None
    yield
    resolver._KEPT = None


def verify_counting(raw):
    with CaptureQueriesContext(connection) as queries:
        report = verify_credential(raw, DatabaseResolver())
    return report, [q["sql"] for q in queries.captured_queries]


def body_of(cred) -> bytes:
    return cred.signed_json.encode("utf-8")


@pytest.fixture
def listening(settings, transactional_db):
    """The listener on, on PostgreSQL, committing as production does; stopped at the end (the test database is
    dropped after the run)."""
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY: PostgreSQL only (services run)")
    settings.BADGES_VERIFICATION_LISTENER = True
    deadline = time.monotonic() + 10
    while changes.generation() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert changes.generation() is not None, "the listener did not come up"
    yield changes.listener
    changes.listener.stop()


def other_connection(sql: str, params=()):
    """Commit a statement from a connection of its own, as another process would."""
    with psycopg.connect(**changes.own_connection_params()) as conn:
        conn.execute(sql, params)


def heard(listener, since, what):
    assert listener.wait_for_change(since, 5), f"no notification heard after {what}"


def elsewhere(fn) -> threading.Thread:
    """Run ``fn`` in another thread, started here: its own connection, its transactions committed as another
    process's would be."""
    def run():
        try:
            fn()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def revoke_elsewhere(cred) -> threading.Thread:
    return elsewhere(lambda: services.revoke_credential(Credential.objects.get(pk=cred.pk), reason="fraud"))


def settle():
    """Wait until the notifications of what this test just committed have arrived (none for 0.2 s)."""
    listener = changes.listener  # its own answer, not a test's simulated one
    while listener.generation() is not None and listener.wait_for_change(listener.generation(), 0.2):
        pass


def fresh_credential():
    cred = issue()
    transparency.publish_tree_head(force=True)
    settle()
    return cred


# ------------------------------------------------------------------------------------ kept while nothing changes
@pytest.mark.services
def test_the_same_credential_again_reads_nothing_and_a_new_one_reads_its_entry_and_path_in_one_statement(listening):
    creds = [issue() for _ in range(5)]
    transparency.publish_tree_head(force=True)
    settle()
    report, sql = verify_counting(body_of(creds[0]))
    assert report.verdict == "VALID" and "tree head signed" in report.check("log").detail
    report, sql = verify_counting(body_of(creds[0]))
    assert report.verdict == "VALID" and "tree head signed" in report.check("log").detail and sql == []
    report, sql = verify_counting(body_of(creds[3]))  # never seen: its entry and its path's hashes, nothing else
    assert report.verdict == "VALID" and "entry 3 of the tree of 5 entries" in report.check("log").detail
    assert len(sql) == 1 and "badges_logentry" in sql[0] and "badges_lognode" in sql[0]
    assert not any(t in sql[0] for t in ("badges_signingkey", "badges_statuslist", "badges_credential", "treehead"))
    proof = transparency.inclusion(transparency.entry_for(digest=merkle.credential_digest(doc_of(creds[3]))), 5)
    assert DatabaseResolver().log_inclusion(merkle.credential_digest(doc_of(creds[3])))["inclusion_path"] == \
        proof["inclusion_path"]


@pytest.mark.services
def test_the_resolver_statement_is_prepared_once_per_connection(listening):
    cred = fresh_credential()
    with transaction.atomic():  # inside a transaction: the full statement, every time
        for _ in range(3):
            report, sql = verify_counting(body_of(cred))
            assert report.verdict == "VALID" and len(sql) == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
    assert any("UNION ALL" in s and "badges_signingkey" in s for s in prepared), prepared


# ------------------------------------------------------------------------------------ changes committed elsewhere
@pytest.mark.services
def test_a_revocation_committed_by_another_process_is_seen_once_heard(listening):
    cred = fresh_credential()
    raw = body_of(cred)
    assert verify_counting(raw)[0].verdict == "VALID"
    assert verify_counting(raw)[1] == []
    since = changes.generation()
    revoke_elsewhere(cred).join()
    heard(listening, since, "a revocation")
    report, sql = verify_counting(raw)
    assert report.verdict == "REVOKED" and sql  # read again


@pytest.mark.services
def test_a_status_list_rewritten_behind_the_models_back_is_heard(listening):
    cred = fresh_credential()
    raw = body_of(cred)
    assert verify_counting(raw)[0].verdict == "VALID"
    since = changes.generation()
    other_connection("UPDATE badges_statuslist SET signed_json = ''")
    heard(listening, since, "an UPDATE of the status list's text")
    report, _ = verify_counting(raw)
    assert report.verdict == "INVALID" and "unavailable" in report.check("status").detail


@pytest.mark.services
def test_a_key_compromise_committed_elsewhere_is_heard_and_the_credential_fails(listening):
    cred = fresh_credential()
    raw = body_of(cred)
    assert verify_counting(raw)[0].verdict == "VALID"
    key = SigningKey.objects.get()
    since = changes.generation()
    other_connection("UPDATE badges_signingkey SET status = %s, revoked_from = %s WHERE id = %s",
                     (SigningKey.Status.REVOKED, cred.issued_at - timedelta(hours=1), key.pk))
    heard(listening, since, "a key compromise")
    report, _ = verify_counting(raw)
    assert report.verdict == "INVALID" and report.check("verification_method").ok is False


@pytest.mark.services
def test_a_new_head_is_heard_and_a_pending_credential_becomes_proven(listening, settings):
    settings.BADGES_LOG_HEAD_INTERVAL = 3600
    issue()
    transparency.publish_tree_head(force=True)
    later = issue()
    report, _ = verify_counting(body_of(later))
    assert "not yet in a signed tree head" in report.check("log").detail
    since = changes.generation()
    elsewhere(lambda: transparency.publish_tree_head(force=True)).join()
    heard(listening, since, "a new tree head")
    report, _ = verify_counting(body_of(later))
    assert "entry 1 of the tree of 2 entries" in report.check("log").detail


@pytest.mark.services
def test_what_notifies_and_what_does_not(listening):
    fresh_credential()
    for statement, notifies in (
        ("UPDATE badges_statuslist SET next_index = next_index", False),  # an issuance's allocation
        ("UPDATE badges_credential SET privacy = privacy", False),
        ("UPDATE badges_statuslist SET signed_json = signed_json", True),
        ("UPDATE badges_credential SET issued_at = issued_at", True),
        ("UPDATE badges_logentry SET data = data", True),
        ("UPDATE badges_treehead SET note = note", True),
        ("UPDATE badges_signingkey SET status = status", True),
    ):
        since = changes.generation()
        other_connection(statement)
        assert listening.wait_for_change(since, 0.5 if not notifies else 5) is notifies, statement


@pytest.mark.services
def test_a_rolled_back_change_notifies_nobody_and_own_uncommitted_writes_are_read(listening):
    cred = fresh_credential()
    raw = body_of(cred)
    assert verify_counting(raw)[0].verdict == "VALID"
    since = changes.generation()
    with transaction.atomic():
        StatusList.objects.update(signed_json="")
        assert changes.generation() is None  # inside a transaction: nothing kept is used
        report, sql = verify_counting(raw)
        assert report.verdict == "INVALID" and sql
        transaction.set_rollback(True)
    assert not listening.wait_for_change(since, 0.3)
    assert verify_counting(raw)[0].verdict == "VALID"


# ------------------------------------------------------------------------------------ where a change could go unheard
@pytest.mark.services
def test_a_silent_or_stopped_listener_makes_every_verification_read(listening, monkeypatch):
    cred = fresh_credential()
    raw = body_of(cred)
    verify_counting(raw)
    assert verify_counting(raw)[1] == []
    monkeypatch.setattr(changes, "HEARTBEAT_LIMIT", -1.0)  # its last confirmation is now too old
    assert changes.generation() is None and verify_counting(raw)[1]
    monkeypatch.undo()
    listening.stop()
    monkeypatch.setattr(changes.Listener, "_ensure_started", lambda self: None)  # and it stays down
    assert changes.generation() is None
    StatusList.objects.update(signed_json="")  # committed, heard by nobody
    report, sql = verify_counting(raw)
    assert report.verdict == "INVALID" and sql


@pytest.mark.services
def test_a_forked_process_starts_its_own_listener(listening, monkeypatch):
    first = listening._thread
    monkeypatch.setattr(changes.os, "getpid", lambda: -1)  # as in a child after fork
    changes.generation()
    assert listening._thread is not first and listening._thread.is_alive()


@pytest.mark.django_db
def test_off_the_listener_or_off_postgresql_there_is_no_generation(settings):
    settings.BADGES_VERIFICATION_LISTENER = False
    assert changes.generation() is None
    settings.BADGES_VERIFICATION_LISTENER = True
    if connection.vendor == "sqlite":
        assert changes.generation() is None
    else:  # the test's own transaction
        assert connection.in_atomic_block and changes.generation() is None


@pytest.mark.django_db
def test_each_answer_is_read_again_after_the_generation_moves_on(monkeypatch):
    """The kept answers belong to one generation: a new one starts empty (simulated generations)."""
    cred = fresh_credential()
    raw = body_of(cred)
    generation = [1]
    monkeypatch.setattr(changes, "generation", lambda: generation[0])
    first = verify_counting(raw)
    assert first[0].verdict == "VALID" and first[1]
    assert verify_counting(raw)[1] == []
    StatusList.objects.update(signed_json="")
    assert verify_counting(raw)[0].verdict == "VALID"  # not heard yet (simulated): what was kept
    generation[0] = 2
    report, sql = verify_counting(raw)
    assert report.verdict == "INVALID" and len(sql) == 1


@pytest.mark.django_db
def test_what_was_found_is_kept_and_what_was_not_is_asked_again(monkeypatch):
    monkeypatch.setattr(changes, "generation", lambda: 7)  # simulated: one generation throughout
    cred = fresh_credential()
    doc = doc_of(cred)
    digest = merkle.credential_digest(doc)
    unknown = {**doc, "id": services.base_url() + "/credentials/00000000-0000-0000-0000-000000000000"}
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            DatabaseResolver().prefetch(unknown, "0" * 64)  # no such entry: asked every time
        assert len(queries.captured_queries) == 1 and "badges_logentry" in queries.captured_queries[0]["sql"]
    DatabaseResolver().prefetch(doc, digest)
    with CaptureQueriesContext(connection) as queries:
        resolver = DatabaseResolver()
        resolver.prefetch(doc, digest)
        assert resolver.log_inclusion(digest)["leaf_index"] == 0
    assert queries.captured_queries == []


@pytest.mark.django_db
def test_a_registry_time_the_statement_skipped_is_still_answered(monkeypatch):
    monkeypatch.setattr(changes, "generation", lambda: 11)  # simulated: one generation throughout
    cred = fresh_credential()
    doc = doc_of(cred)
    digest = merkle.credential_digest(doc)
    DatabaseResolver().prefetch(doc, digest)  # the keys are kept from here on
    resolver = DatabaseResolver()
    with CaptureQueriesContext(connection) as queries:
        resolver.prefetch(doc, digest)  # an active key: the verification will not ask the registry
    assert queries.captured_queries == []
    assert resolver.issued_at(doc["id"]) == Credential.objects.get(pk=cred.pk).issued_at  # asked anyway: read


@pytest.mark.django_db
def test_crafted_status_list_numbers_are_not_kept(monkeypatch):
    """A credential may name any status list: only the lists that exist are kept, so a stream of crafted numbers
    cannot grow what a process keeps."""
    monkeypatch.setattr(changes, "generation", lambda: 12)
    cred = fresh_credential()
    doc = doc_of(cred)
    for number in range(500, 540):
        crafted = {**doc, "credentialStatus": {**doc["credentialStatus"],
                                               "statusListCredential": services.status_list_url(number)}}
        DatabaseResolver().prefetch(crafted, "0" * 64)
    DatabaseResolver().prefetch(doc, merkle.credential_digest(doc))
    assert set(resolver._KEPT.status_lists) == {StatusList.objects.get().number}


@pytest.mark.services
def test_a_lost_listening_connection_is_noticed_and_replaced(listening):
    """The listening connection killed by the server (a restart, an administrator): until it is back, every
    verification reads; once back, nothing kept from before is used (a change committed while nobody listened)."""
    cred = fresh_credential()
    raw = body_of(cred)
    verify_counting(raw)
    assert verify_counting(raw)[1] == []
    other_connection("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                     (changes.APPLICATION_NAME,))
    deadline = time.monotonic() + 5
    while changes.generation() is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert changes.generation() is None, "the lost connection was not noticed"
    StatusList.objects.update(signed_json="")  # committed while nobody listens
    report, sql = verify_counting(raw)
    assert report.verdict == "INVALID" and sql
    deadline = time.monotonic() + changes.RETRY + 10
    while changes.generation() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert changes.generation() is not None, "the listener did not come back"
    report, _ = verify_counting(raw)
    assert report.verdict == "INVALID"  # what was kept before the loss is not used


@pytest.mark.services
def test_over_http_a_revocation_committed_elsewhere_turns_the_next_verification(listening, live_server):
    """Through the real HTTP interface (the live server's threads and connections): the API verifies from what its
    process keeps, and a revocation committed by another connection is answered REVOKED once heard."""
    import json
    import urllib.request

    cred = fresh_credential()

    def verify_over_http():
        request = urllib.request.Request(f"{live_server.url}/api/v1/credentials/verify", data=body_of(cred),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    assert [verify_over_http()["verdict"] for _ in range(3)] == ["VALID"] * 3
    kept = resolver._KEPT  # the server's verifications kept what they read
    assert kept is not None and kept.keys and kept.entries.get(merkle.credential_digest(doc_of(cred)))
    since = changes.generation()
    revoke_elsewhere(cred).join()
    heard(listening, since, "a revocation")
    answer = verify_over_http()
    assert answer["verdict"] == "REVOKED", answer


@pytest.mark.services
def test_verifying_threads_racing_a_revocation_never_answer_valid_once_it_is_heard(listening):
    """Threads verify in a loop (their own connections, as a threaded server's) while another commits a revocation:
    whatever a verification read or kept before, none that starts after the notification is heard says VALID."""
    cred = fresh_credential()
    raw = body_of(cred)
    heard_at, stop, results, errors = [None], threading.Event(), [], []

    def verify_loop():
        try:
            while not stop.is_set():
                started = time.monotonic()
                results.append((started, verify_credential(raw, DatabaseResolver()).verdict))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=verify_loop) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    since = changes.generation()
    revoker = revoke_elsewhere(cred)
    heard(listening, since, "a revocation")
    heard_at[0] = time.monotonic()
    revoker.join()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors
    before = [v for t, v in results if t < heard_at[0]]
    after = [v for t, v in results if t > heard_at[0]]
    assert before and after and set(before) <= {"VALID", "REVOKED"}
    assert set(after) == {"REVOKED"}, (len(after), after.count("VALID"))
