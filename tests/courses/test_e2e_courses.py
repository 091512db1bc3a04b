"""End to end in chromium: a teacher writes a lesson in the Wagtail admin and submits it for moderation, a
Flow Stage reviewer approves and publishes it, a student enrols, reads it, marks it complete and sees the
progress bar move. Then screenshots of the catalogue, a course outline and a lesson, in French and English."""
from decimal import Decimal
from io import StringIO

import pytest

from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEMO_PASSWORD = "flowstage-demo"


@pytest.fixture
def demo(transactional_db):
    import lms.demo
    import partnerships.demo
    from courses import demo as courses_demo
    from courses import services
    from courses.models import CoursePage, LessonPage, UnitPage
    from partnerships.models import School

    out = StringIO()
    partnerships.demo.seed(out)
    lms.demo.seed(out)
    courses_demo.seed(out)
    section = services.ensure_school_section(School.objects.get(name="La Fémis"))
    course = section.add_child(instance=CoursePage(
        title="Prise de son documentaire", slug="prise-de-son-documentaire", code="FEMIS-DOC-01",
        summary="Enregistrer le son d'un tournage documentaire.", kind="continuing", ects_credits=Decimal("0")))
    course.save_revision().publish()
    unit = course.add_child(instance=UnitPage(title="Module 1", slug="module-1", order=1))
    unit.save_revision().publish()
    first = unit.add_child(instance=LessonPage(title="Le matériel de tournage", slug="materiel", hours=Decimal("2"),
                                               body=[("text", "<p>Perche, micro canon, enregistreur.</p>")]))
    first.save_revision().publish()
    return {"course": course, "unit": unit}


def _login(browser, base, email, lang=""):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    login_in_browser(page, base, email, password=DEMO_PASSWORD, lang_prefix=lang)
    return ctx, page


def test_write_review_publish_enrol_read_complete(demo, live_server, browser, screenshot_dir):
    from courses.models import CoursePage, LessonPage

    base = live_server.url
    unit = demo["unit"]

    # 1. The La Fémis teacher writes a lesson in the Wagtail admin and submits it to the pedagogical review.
    ctx, page = _login(browser, base, "teacher@demo.flowstage.test")
    page.goto(f"{base}/admin/pages/add/courses/lessonpage/{unit.pk}/")
    page.fill("#id_title", "Prise de son en extérieur")
    page.fill("#id_hours", "2")
    page.fill("#id_objectives", "Se protéger du vent\nPlacer la perche")
    page.click("button.c-sf-add-button")
    page.get_by_role("option", name="Texte enrichi").click()
    editor = page.locator(".public-DraftEditor-content").first
    editor.wait_for()
    editor.click()
    editor.type("En extérieur, la bonnette anti-vent est indispensable.")
    page.wait_for_timeout(300)
    page.click("footer .w-dropdown__toggle")
    page.locator("button[name=action-submit]").wait_for(state="visible")
    with page.expect_navigation():  # the POST's answer, not the editor page that is already idle
        page.click("button[name=action-submit]")
    page.wait_for_load_state("networkidle")
    ctx.close()
    lesson = LessonPage.objects.get(title="Prise de son en extérieur")
    assert not lesson.live
    state = lesson.current_workflow_state
    assert state is not None and state.status == "in_progress"

    # 2. A Flow Stage pedagogical reviewer approves it: published.
    ctx, page = _login(browser, base, "staff@demo.flowstage.test")
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    page.click("footer .w-dropdown__toggle")
    with page.expect_navigation():  # the POST's answer, not the editor page that is already idle
        page.click("footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    page.wait_for_load_state("networkidle")
    ctx.close()
    lesson.refresh_from_db()
    assert lesson.live
    assert "bonnette" in str(lesson.specific.body.raw_data)

    # 3. A student enrols, reads the lesson, marks it complete; the progress bar moves.
    from tests.factories import make_user

    student = make_user("student", email="etudiante@example.test")
    student.set_password(DEMO_PASSWORD)
    student.save()
    ctx, page = _login(browser, base, "etudiante@example.test")
    course = CoursePage.objects.get(pk=demo["course"].pk)
    page.goto(base + course.url)
    page.get_by_role("button", name="S’inscrire à cette formation").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("course-progress").inner_text().strip() == "0 %"
    page.get_by_role("link", name="Prise de son en extérieur").click()
    page.wait_for_load_state("networkidle")
    assert "bonnette anti-vent" in page.content()
    page.get_by_test_id("complete-lesson").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("lesson-course-progress").inner_text().strip() == "50 %"
    page.goto(base + course.url)
    bar = page.locator(".course-hero__side [role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "50"
    ctx.close()

    # 4. Screenshots (Marie, enrolled with some progress), French and English.
    im = CoursePage.objects.get(code="IM-4.0", locale__language_code="fr")
    im_en = CoursePage.objects.get(code="IM-4.0", locale__language_code="en")
    lesson_fr = LessonPage.objects.get(slug="projet-pratique-flow-stage", locale__language_code="fr")
    lesson_en = LessonPage.objects.get(slug="projet-pratique-flow-stage", locale__language_code="en")
    ctx, page = _login(browser, base, "marie.dubois@demo.flowstage.test")
    shots = [("catalogue_fr", "/catalogue/"), ("catalogue_en", "/en/catalogue/"),
             ("course_fr", im.url), ("course_en", im_en.url),
             ("lesson_fr", lesson_fr.url), ("lesson_en", lesson_en.url),
             ("my_learning_fr", "/learning/mine/")]
    for name, url in shots:
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(screenshot_dir / f"courses_{name}.png"), full_page=True)
    assert "Semestre 1" in page.goto(base + im.url).text() and "30h" in page.content()
    page.goto(base + im_en.url)
    assert "Semester 1" in page.content() and "Music Industry 4.0" in page.content()
    ctx.close()
