"""The exam page tells a server error from a lost connection (issue 10, Medium 8): a busy server's 503 shows its
message (and the answer is saved when it is tried again), a request that never got an answer says to check the
connection. In French, the default language."""
import pytest

from exams import services
from exams.models import AttemptQuestion
from tests.conftest import login_in_browser
from tests.exams import helpers as h

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUSY = "Le serveur est très sollicité en ce moment"


def test_busy_server_and_lost_connection_are_told_apart(live_server, browser, screenshot_dir):
    cert = h.make_certification(types=("numeric", "short"), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    numeric = AttemptQuestion.objects.get(attempt=attempt, version__qtype="numeric")
    short = AttemptQuestion.objects.get(attempt=attempt, version__qtype="short")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(page, live_server.url, student.email)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
    page.wait_for_selector("#exam-form")

    # 1. The server is busy: 503 with its message and Retry-After (what lms/db_contention.py answers).
    busy = {"n": 0}

    def answer_busy_once(route):
        if busy["n"] == 0:
            busy["n"] += 1
            route.fulfill(status=503, headers={"Retry-After": "1", "Content-Type": "application/json"},
                          body='{"detail": "Le serveur est très sollicité en ce moment et n\'a pas pu traiter '
                               'la demande à temps. Rien n\'est perdu : réessayez dans quelques secondes."}')
        else:
            route.continue_()

    page.route(f"**/answers/{numeric.pk}", answer_busy_once)
    field = page.locator(f"#question-{numeric.pk} input[type=text]")
    field.fill("441")
    field.press("Tab")
    page.wait_for_function(f"document.getElementById('state-{numeric.pk}').dataset.state === 'server-error'")
    state = page.inner_text(f"#state-{numeric.pk}")
    assert BUSY in state and "connexion" not in state
    page.screenshot(path=str(screenshot_dir / "exams-save-503.png"), full_page=False)
    # Retry-After: 1 — the page tries again by itself, and the answer is saved
    page.wait_for_function(f"document.getElementById('state-{numeric.pk}').dataset.state === 'saved'",
                           timeout=15000)
    numeric.refresh_from_db()
    assert numeric.response == {"value": "441"}

    # 2. A server error without a message: a server problem, still not the student's connection.
    page.route(f"**/answers/{short.pk}", lambda route: route.fulfill(status=500, body="boom"))
    field = page.locator(f"#question-{short.pk} input[type=text]")
    field.fill("façade")
    field.press("Tab")
    page.wait_for_function(f"document.getElementById('state-{short.pk}').dataset.state === 'server-error'")
    assert "le serveur a rencontré un problème" in page.inner_text(f"#state-{short.pk}")
    page.unroute(f"**/answers/{short.pk}")

    # 3. The connection is lost: fetch() fails, and only then is the connection blamed.
    page.route(f"**/answers/{short.pk}", lambda route: route.abort("internetdisconnected"))
    field.fill("façade 2")
    field.press("Tab")
    page.wait_for_function(f"document.getElementById('state-{short.pk}').dataset.state === 'offline'")
    assert "vérifiez votre connexion" in page.inner_text(f"#state-{short.pk}")
    page.screenshot(path=str(screenshot_dir / "exams-save-offline.png"), full_page=False)


def test_a_change_made_while_a_save_is_on_its_way_waits_and_the_latest_answer_wins(live_server, browser):
    """Two saves of one question never race (an older answer landing after a newer one was silent answer loss):
    the first PUT is held on its way; the second change is sent only once the first is answered, with the state of
    the question at that moment."""
    import time

    cert = h.make_certification(types=("numeric",), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    numeric = AttemptQuestion.objects.get(attempt=attempt, version__qtype="numeric")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(page, live_server.url, student.email)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
    page.wait_for_selector("#exam-form")
    held, sent, release = [], [], {"go": False}

    def hold_the_first(route):
        sent.append(route.request.post_data)
        if release["go"]:
            route.continue_()
        else:
            held.append(route)

    page.route(f"**/answers/{numeric.pk}", hold_the_first)
    field = page.locator(f"#question-{numeric.pk} input[type=text]")
    field.fill("1")
    field.press("Tab")
    page.wait_for_function(f"document.getElementById('state-{numeric.pk}').dataset.state === 'saving'")
    field.fill("2")
    field.press("Tab")
    page.wait_for_timeout(1500)  # longer than the typing debounce: a racing script would have sent it by now
    assert len(sent) == 1 and '"1"' in sent[0], sent
    release["go"] = True
    held[0].continue_()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        numeric.refresh_from_db()
        if numeric.response == {"value": "2"}:
            break
    assert numeric.response == {"value": "2"}
    assert len(sent) == 2 and '"2"' in sent[1], sent
