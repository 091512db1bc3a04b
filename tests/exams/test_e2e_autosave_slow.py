"""Issue 16, item 2: the exam page keeps working for a student whose saves are slow or failing. The test holds
the save requests on their way (page.route), answers them 503 with Retry-After, then lets them through, and
checks what the page says (visibly and to screen readers), that one save is in flight while the next waits
(coalesced: the latest answer wins), that a reload in the middle loses nothing typed (localStorage), and that
the server ends with the last answers typed. French, the default language; desktop and phone screenshots."""
import re
import shutil
import time
from pathlib import Path

import pytest

from exams import services
from exams.models import AttemptQuestion
from tests.conftest import login_in_browser
from tests.exams import helpers as h

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-autosave")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _shot(page, screenshot_dir, name):
    path = screenshot_dir / f"exams-autosave-{name}.png"
    page.screenshot(path=str(path), full_page=False)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _summary(page):
    return page.inner_text("#save-summary").strip()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_slow_then_failing_then_working_saves(live_server, browser, screenshot_dir, device):
    cert = h.make_certification(types=("numeric", "short"), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    numeric = AttemptQuestion.objects.get(attempt=attempt, version__qtype="numeric")
    short = AttemptQuestion.objects.get(attempt=attempt, version__qtype="short")
    page = browser.new_page(viewport=VIEWPORTS[device])
    login_in_browser(page, live_server.url, student.email)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
    page.wait_for_selector("#exam-form")

    mode = {"now": "hold"}
    held, sent = [], []

    def on_save(route):
        sent.append((route.request.url.rsplit("/", 1)[1], route.request.post_data))
        if mode["now"] == "hold":
            held.append(route)
        elif mode["now"] == "503":
            route.fulfill(status=503, headers={"Retry-After": "2", "Content-Type": "application/json"},
                          body='{"detail": "Le serveur est très sollicité en ce moment."}')
        else:
            route.continue_()

    page.route("**/api/v1/exams/attempts/*/answers/*", on_save)
    short_field = page.locator(f"#question-{short.pk} input[type=text]")
    numeric_field = page.locator(f"#question-{numeric.pk} input[type=text]")

    # 1. Slow: the first save is held on its way. The page says so; the other question waits its turn.
    short_field.fill("régie")
    short_field.press("Tab")
    page.wait_for_function("document.getElementById('save-summary').dataset.state === 'saving'")
    assert _summary(page) == "Enregistrement…"
    numeric_field.fill("441")
    numeric_field.press("Tab")
    short_field.fill("façade")  # typed again while its first save is on its way
    short_field.press("Tab")
    page.wait_for_timeout(1200)  # longer than the typing debounce: a racing page would have sent more by now
    assert [q for q, _ in sent] == [str(short.pk)], sent
    assert page.get_attribute(f"#state-{numeric.pk}", "data-state") == "queued"
    # a slow save is announced to screen readers (after 1.5 s), not every quick one
    page.wait_for_function("document.getElementById('save-status').textContent === 'Enregistrement…'")
    _shot(page, screenshot_dir, f"1-saving-{device}")

    # 2. Failing: the held save is answered 503 with Retry-After: 2, and so is the next try.
    mode["now"] = "503"
    held.pop().fulfill(status=503, headers={"Retry-After": "2", "Content-Type": "application/json"},
                       body='{"detail": "Le serveur est très sollicité en ce moment."}')
    page.wait_for_function("document.getElementById('save-summary').dataset.state === 'retry'")
    assert re.fullmatch(r"Non enregistré, nouvel essai dans [12] s", _summary(page)), _summary(page)
    assert "nouvel essai dans" in page.inner_text("#save-status")  # announced once, politely
    assert "sollicité" in page.inner_text(f"#state-{short.pk}")   # the server's own words on the question
    _shot(page, screenshot_dir, f"2-retry-{device}")
    # nothing typed is lost: both answers are kept in the browser under the attempt, not yet acknowledged
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('fsa-exam-drafts-{attempt.pk}')).answers")
    assert '"façade"' in kept[str(short.pk)] and '"441"' in kept[str(numeric.pk)]
    # Retry-After is honoured: no new request before the 2 s are up, then one (the latest answer)
    n = len(sent)
    page.wait_for_timeout(1000)
    assert len(sent) == n
    deadline = time.monotonic() + 10
    while len(sent) == n and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert len(sent) == n + 1 and '"façade"' in sent[-1][1], sent

    # 3. A reload while nothing is saved: the page puts the typed answers back from localStorage.
    page.reload()
    page.wait_for_selector("#exam-form")
    assert short_field.input_value() == "façade" and numeric_field.input_value() == "441"
    assert AttemptQuestion.objects.get(pk=short.pk).response in ({}, None, {"text": ""})

    # 4. Working again: the queue is sent, one save at a time, and the page says when it was saved.
    mode["now"] = "pass"
    page.wait_for_function("document.getElementById('save-summary').dataset.state === 'saved'", timeout=20000)
    assert re.fullmatch(r"Enregistré à \d\d:\d\d:\d\d", _summary(page)), _summary(page)
    assert re.fullmatch(r"Enregistré à \d\d:\d\d:\d\d", page.inner_text("#save-status").strip())
    _shot(page, screenshot_dir, f"3-saved-{device}")
    short.refresh_from_db()
    numeric.refresh_from_db()
    assert short.response == {"text": "façade"} and numeric.response == {"value": "441"}
    # acknowledged: the browser's copies are gone
    assert page.evaluate(f"localStorage.getItem('fsa-exam-drafts-{attempt.pk}')") is None
    page.close()


def test_an_answer_typed_during_a_slow_save_is_sent_after_it_with_the_latest_text(live_server, browser):
    """Coalescing: three changes while a save is held make one more save, with the last value."""
    cert = h.make_certification(types=("short",), practical=False)
    student = h.registered_student(cert)
    attempt = services.start_attempt(cert.exam, student)
    short = AttemptQuestion.objects.get(attempt=attempt, version__qtype="short")
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    login_in_browser(page, live_server.url, student.email)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
    page.wait_for_selector("#exam-form")
    held, sent = [], []

    def hold_first(route):
        sent.append(route.request.post_data)
        if len(sent) == 1:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/exams/attempts/*/answers/*", hold_first)
    field = page.locator(f"#question-{short.pk} input[type=text]")
    for text in ("a", "ab", "abc"):
        field.fill(text)
        field.press("Tab")
    page.wait_for_timeout(1000)
    assert len(sent) == 1 and '"a"' in sent[0]
    held.pop().continue_()
    page.wait_for_function("document.getElementById('save-summary').dataset.state === 'saved'", timeout=15000)
    assert len(sent) == 2 and '"abc"' in sent[1], sent
    short.refresh_from_db()
    assert short.response == {"text": "abc"}
