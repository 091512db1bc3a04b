"""The exam page while the database is away: the autosave's 503 (what lms/db_contention.py answers for an
unreachable PostgreSQL: Retry-After 5 and its message) is shown in the page's language, the answer stays on screen,
and it is sent again by itself and saved once the server answers. Screenshots, desktop and phone."""
from pathlib import Path

import pytest
from django.utils import translation

from exams import services
from exams.models import AttemptQuestion
from lms.db_contention import UNAVAILABLE_RETRY_AFTER_SECONDS, unavailable_message
from tests.conftest import login_in_browser
from tests.exams import helpers as h

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-faults")


@pytest.mark.parametrize("viewport, name", [({"width": 1280, "height": 900}, "desktop"),
                                            ({"width": 390, "height": 844}, "phone")])
def test_exam_page_keeps_the_answer_and_retries_while_the_database_is_away(live_server, browser, viewport, name):
    SHOTS.mkdir(exist_ok=True)
    with translation.override("fr"):
        message = unavailable_message()
    cert = h.make_certification(types=("numeric",), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    numeric = AttemptQuestion.objects.get(attempt=attempt)
    page = browser.new_page(viewport=viewport)
    login_in_browser(page, live_server.url, student.email)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
    page.wait_for_selector("#exam-form")
    away = {"until": 2}

    def database_away(route):
        if away["until"] > 0:
            away["until"] -= 1
            route.fulfill(status=503, headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS),
                                               "Content-Type": "application/json"},
                          body='{"detail": "%s", "retry_after": 5}' % message.replace('"', '\\"'))
        else:
            route.continue_()

    page.route(f"**/answers/{numeric.pk}", database_away)
    field = page.locator(f"#question-{numeric.pk} input[type=text]")
    field.fill("442")
    field.press("Tab")
    page.wait_for_function(f"document.getElementById('state-{numeric.pk}').dataset.state === 'server-error'")
    assert "La base de données est indisponible" in page.inner_text(f"#state-{numeric.pk}")
    assert field.input_value() == "442"
    page.locator(f"#state-{numeric.pk}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"exam-database-away-{name}.png"), full_page=False)
    page.wait_for_function(f"document.getElementById('state-{numeric.pk}').dataset.state === 'saved'",
                           timeout=30000)
    numeric.refresh_from_db()
    assert numeric.response == {"value": "442"}
    page.screenshot(path=str(SHOTS / f"exam-database-back-{name}.png"), full_page=False)
