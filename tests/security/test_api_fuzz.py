"""Fuzzing every operation of the JSON API with schemathesis (issue 10, "Done when": no 500 anywhere), in process
against the WSGI application, as an anonymous client and as a signed-in student (bearer token): each generated
request is sent both ways and neither may answer a server error. Bounded: a few examples per operation, no
deadline (the machine is shared). schemathesis is a development dependency (requirements-dev.txt, installed by
`make install`), not a runtime one."""
import pytest

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _schema():
    from lms.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    return schema


schema = _schema()


@pytest.fixture
def student_token(db):
    from exams import services
    from lms.accounts.models import ApiToken
    from tests.exams.helpers import entitled_school, give_profile, make_certification, sound_student

    student = sound_student(entitled_school("Fuzz"))
    give_profile(student)
    cert = make_certification()
    services.register(cert, student)
    services.start_attempt(cert.exam, student)  # an open attempt, so attempt ids near the small ones exist
    return ApiToken.issue(student)


@pytest.fixture
def _keep_test_connection():
    """The WSGI handler closes the database connection at the end of each request (request_finished); the test's
    transaction lives on that connection, so keep it open, as Django's test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_operation_answers_a_server_error(case, student_token, _keep_test_connection):
    for headers in ({}, {"Authorization": f"Bearer {student_token}"}):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} answered {response.status_code} "
            f"({'student' if headers else 'anonymous'}): {response.text[:500]}\n{case.as_curl_command()}")
