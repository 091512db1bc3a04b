"""Issue 16, item 1: what one autosave costs the server, in statements (the CPU time is measured by
bench/exams_autosave_profile.py and bench/exams_autosave.py). The hot path is written once
(lms/prepared_sql.py, lms/api.py's token look-up): these tests pin its number of queries and check that
the instances it builds behave as the ORM's (converted values, other fields deferred)."""
import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exams import services
from exams.models import Attempt, AttemptQuestion, QuestionVersion
from lms.accounts.models import ApiToken
from lms.prepared_sql import Prepared
from tests.exams import helpers as h

pytestmark = pytest.mark.django_db

TX = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def _statements(ctx):
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(TX)]


@pytest.fixture
def setting():
    cert = h.make_certification(types=("numeric", "short"), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    numeric = AttemptQuestion.objects.get(attempt=attempt, version__qtype="numeric")
    return attempt, student, numeric


def _put(client, attempt, aq, value, **headers):
    return client.put(f"/api/v1/exams/attempts/{attempt.pk}/answers/{aq.pk}",
                      json.dumps({"response": {"value": value}}), content_type="application/json", **headers)


def test_a_save_with_a_bearer_token_is_three_statements_and_an_unchanged_one_two(setting):
    attempt, student, numeric = setting
    raw = ApiToken.issue(student)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert _put(client, attempt, numeric, "1", **auth).status_code == 200  # first use: last_used_at written
    with CaptureQueriesContext(connection) as ctx:
        r = _put(client, attempt, numeric, "442", **auth)
    assert r.status_code == 200 and r.json()["changed"] is True
    sql = _statements(ctx)
    # the token with its user, the answer with its attempt and version (locked on PostgreSQL), the UPDATE
    assert len(sql) == 3, sql
    assert sql[0].startswith("SELECT") and "accounts_apitoken" in sql[0]
    assert sql[1].startswith("SELECT") and "exams_attemptquestion" in sql[1] and "exams_attempt" in sql[1]
    assert sql[2].startswith("UPDATE")
    numeric.refresh_from_db()
    assert numeric.response == {"value": "442"}
    with CaptureQueriesContext(connection) as ctx:
        r = _put(client, attempt, numeric, "442", **auth)
    assert r.json()["changed"] is False and len(_statements(ctx)) == 2


def test_a_save_from_the_browser_session_stays_bounded(setting, client):
    attempt, student, numeric = setting
    client.force_login(student)
    assert _put(client, attempt, numeric, "1").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        r = _put(client, attempt, numeric, "443")
    assert r.status_code == 200
    # the session, its user, the answer's SELECT and the UPDATE
    assert len(_statements(ctx)) <= 4, _statements(ctx)


def test_bearer_token_look_up_refuses_expired_unknown_and_inactive(setting):
    attempt, student, numeric = setting
    raw = ApiToken.issue(student)
    client = Client()
    assert _put(client, attempt, numeric, "1", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    ApiToken.objects.filter(user=student).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _put(client, attempt, numeric, "1", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    raw = ApiToken.issue(student)
    assert _put(client, attempt, numeric, "2", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert token.last_used_at is not None  # the first use is recorded
    type(student).objects.filter(pk=student.pk).update(is_active=False)
    assert _put(client, attempt, numeric, "3", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_last_use_read_back_as_an_aware_datetime_and_not_rewritten_within_five_minutes(setting):
    from lms.api import _token_with_user

    attempt, student, numeric = setting
    raw = ApiToken.issue(student)
    used = timezone.now() - datetime.timedelta(minutes=1)
    ApiToken.objects.filter(key_hash=ApiToken.hash(raw)).update(last_used_at=used)
    token = _token_with_user(ApiToken.hash(raw), timezone.now())
    assert token.user == student and token.user.email == student.email
    assert token.last_used_at == used and timezone.is_aware(token.last_used_at)
    with CaptureQueriesContext(connection) as ctx:
        assert _put(Client(), attempt, numeric, "5", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert not any("accounts_apitoken" in s and s.startswith("UPDATE") for s in _statements(ctx))


def test_prepared_select_builds_instances_like_the_orm(setting):
    attempt, student, numeric = setting
    services.save_answer(attempt.pk, student, numeric.pk, {"value": "441"})
    rows = Prepared(
        [(AttemptQuestion, "aq", ["id", "attempt", "response", "saved_at"]),
         (Attempt, "a", ["id", "deadline", "status"]), (QuestionVersion, "v", ["id", "key"])],
        "FROM {aq} INNER JOIN {a} ON {a.id} = {aq.attempt_id} INNER JOIN {v} ON {v.id} = {aq.version_id} "
        "WHERE {aq.id} = %s",
    )
    aq, a, v = rows.first([numeric.pk])
    orm = AttemptQuestion.objects.select_related("attempt", "version").get(pk=numeric.pk)
    assert aq.response == {"value": "441"} == orm.response            # JSON decoded
    assert aq.saved_at == orm.saved_at and timezone.is_aware(aq.saved_at)  # datetime converted
    assert a.deadline == orm.attempt.deadline and a.status == "open"
    assert v.key == orm.version.key and isinstance(v.key, dict)
    assert aq.attempt_id == attempt.pk
    # a field left out is deferred: reading it loads it, as with only()
    assert "position" in aq.get_deferred_fields()
    assert aq.position == orm.position
    assert rows.first([10 ** 9]) is None


def test_save_answer_still_refuses_another_users_attempt_and_a_foreign_question(setting):
    attempt, student, numeric = setting
    other = h.registered_student(h.make_certification(types=("numeric",), practical=False))
    with pytest.raises(services.ExamError) as exc:
        services.save_answer(attempt.pk, other, numeric.pk, {"value": "1"})
    assert exc.value.status == 404
    with pytest.raises(services.ExamError) as exc:
        services.save_answer(attempt.pk, student, 10 ** 9, {"value": "1"})
    assert exc.value.status == 404
    services.submit_attempt(attempt)
    with pytest.raises(services.ExamError) as exc:
        services.save_answer(attempt.pk, student, numeric.pk, {"value": "1"})
    assert exc.value.status == 409
