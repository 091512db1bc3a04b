"""End to end in a real browser: register with prerequisites, take the exam with autosave, reload and
find the answers, submit, the examiner scores the rubric, the result is shown. Screenshots in var/screenshots."""
import pytest

from badges.models import Achievement, Credential
from exams.models import Attempt, AttemptQuestion, Registration
from tests.conftest import login_in_browser
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_exam_end_to_end(live_server, browser, screenshot_dir):
    cert = h.make_certification()
    Achievement.objects.create(slug="e2e-ready", name="Audio Engineer — Flow Stage Ready", certification=cert,
                               description="Stage sound.", criteria_narrative="75 % or more.")
    school = h.entitled_school("E2E school")
    student = h.sound_student(school, email="e2e.student@example.test")
    student.first_name, student.last_name = "Camille", "Roux"
    student.save()
    h.give_profile(student)
    staff = make_user("flowstage_staff", email="e2e.examiner@example.test")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(page, base, student.email)
    page.goto(f"{base}/en/exams/certifications/")
    page.screenshot(path=str(screenshot_dir / "exams-01-certifications.png"), full_page=True)
    page.click(f"a[href='/en/exams/certifications/{cert.code}/'] >> nth=0")
    assert page.locator(".prereq .pill--ok").count() == 4
    page.screenshot(path=str(screenshot_dir / "exams-02-prerequisites.png"), full_page=True)
    page.click("button:has-text('Register')")
    page.wait_for_load_state("networkidle")
    # The fee is confirmed first (a page, so it works without JavaScript too).
    assert "€149.00" in page.inner_text("#confirm") and not Registration.objects.filter(user=student).exists()
    page.screenshot(path=str(screenshot_dir / "exams-02b-confirm-registration.png"), full_page=True)
    page.click("#confirm-yes")
    page.wait_for_load_state("networkidle")
    assert "149" in page.inner_text(".alert--success")
    page.click("button:has-text('Start the theory exam')")
    page.wait_for_selector("#exam-form")
    attempt = Attempt.objects.get(user=student)
    rows = {aq.pk: aq for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("attempt", "version")}
    # The page names each option by the attempt's opaque id, never the bank's (exams.options).
    html = page.content()
    assert "value='a'" not in html and 'value="a"' not in html and 'value="p1"' not in html

    # Answer with the keyboard-friendly native inputs, each saved as it changes.
    for qid, aq in rows.items():
        fs = page.locator(f"#question-{qid}")
        t = aq.version.qtype
        if t == "single":
            fs.locator(f"input[value='{h.tok(aq, 'choice', 'a')}']").check()
        elif t == "multiple":
            fs.locator(f"input[value='{h.tok(aq, 'choice', 'a')}']").check()
            fs.locator(f"input[value='{h.tok(aq, 'choice', 'b')}']").check()
        elif t == "truefalse":
            fs.locator("input[value='true']").check()
        elif t == "numeric":
            fs.locator("input[type=text]").fill("442")
            fs.locator("input[type=text]").press("Tab")
        elif t == "short":
            fs.locator("input[type=text]").fill("front of house")
            fs.locator("input[type=text]").press("Tab")
        elif t == "matching":
            for pid in ("p1", "p2", "p3"):
                fs.locator(f"select[data-left='{h.tok(aq, 'left', pid)}']").select_option(h.tok(aq, "right", pid))
        elif t == "ordering":
            for rank, iid in enumerate(("i1", "i2", "i3"), start=1):
                fs.locator(f"select[data-rank='{rank}']").select_option(h.tok(aq, "item", iid))
        page.wait_for_function(f"document.getElementById('state-{qid}').dataset.state === 'saved'", timeout=10000)
    assert "saved" in page.inner_text("#save-status").lower()
    page.screenshot(path=str(screenshot_dir / "exams-03-taking-autosaved.png"), full_page=True)
    html = page.content()
    assert "Explication secrète" not in html and "fraction" not in html

    # Reload mid-exam: every answer is still there.
    page.reload()
    page.wait_for_selector("#exam-form")
    for qid, aq in rows.items():
        if aq.version.qtype == "numeric":
            assert page.locator(f"#question-{qid} input[type=text]").input_value() == "442"
        if aq.version.qtype == "single":
            assert page.locator(f"#question-{qid} input[value='{h.tok(aq, 'choice', 'a')}']").is_checked()
        if aq.version.qtype == "ordering":
            assert page.locator(f"#question-{qid} select[data-rank='3']").input_value() == h.tok(aq, "item", "i3")
    page.screenshot(path=str(screenshot_dir / "exams-04-after-reload.png"), full_page=False)
    # The time left stays in view at the bottom of the exam, on a desktop and on a phone.
    _assert_timer_in_view(page, "exams-04b-timer-bottom-desktop.png", screenshot_dir)
    page.set_viewport_size({"width": 390, "height": 844})
    _assert_timer_in_view(page, "exams-04c-timer-bottom-phone.png", screenshot_dir)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#submit-exam")
    page.wait_for_load_state("networkidle")
    assert "All 7 questions have an answer." in page.inner_text("#confirm")
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.OPEN
    page.screenshot(path=str(screenshot_dir / "exams-04d-confirm-submit.png"), full_page=True)
    page.click("#confirm-yes")
    page.wait_for_load_state("networkidle")
    assert "Awaiting" in page.inner_text("#verdict")
    page.screenshot(path=str(screenshot_dir / "exams-05-submitted.png"), full_page=True)

    # The examiner scores the rubric and signs off.
    ex = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(ex, base, staff.email)
    ex.goto(f"{base}/en/exams/examiner/")
    assert "Camille Roux" in ex.inner_text("main")
    ex.screenshot(path=str(screenshot_dir / "exams-06-examiner-queue.png"), full_page=True)
    ex.click("a:has-text('Assess')")
    for fieldset in range(3):
        ex.locator("fieldset").nth(fieldset).locator("input[type=radio]").nth(2).check()
    ex.fill("#overall", "Setup propre, bonne communication.")
    ex.screenshot(path=str(screenshot_dir / "exams-07-rubric.png"), full_page=True)
    ex.click("button[name=sign_off]")
    ex.wait_for_load_state("networkidle")
    assert "75.0 %" in ex.inner_text("#confirm")  # the practical score it signs: 60 / 80 pt
    ex.screenshot(path=str(screenshot_dir / "exams-07b-confirm-sign-off.png"), full_page=True)
    ex.click("#confirm-yes")
    ex.wait_for_load_state("networkidle")

    page.reload()
    page.wait_for_load_state("networkidle")
    assert "Passed" in page.inner_text("#verdict")
    assert "90.0" in page.inner_text("#final-score")  # 100 × 0.6 + 75 × 0.4 = 90
    page.screenshot(path=str(screenshot_dir / "exams-08-result.png"), full_page=True)
    # The result says a badge was issued and links to it.
    page.click(".reward a")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/badges/{Credential.objects.get(attempt=attempt).pk}/")


def _assert_timer_in_view(page, name, screenshot_dir):
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    box = page.locator("#exam-timer").bounding_box()
    height = page.viewport_size["height"]
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= height, box
    assert page.locator("#timer-sr[aria-live=polite]").count() == 1  # still announced, once a minute
    page.screenshot(path=str(screenshot_dir / name))
