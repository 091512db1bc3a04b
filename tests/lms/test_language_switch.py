"""The language selector lands on the same page in the other language, both ways (issue 15, item 1).

Wagtail pages go to their translation through ``translation_key`` (the English lesson below has another slug than
the French one, so a prefix swap would not find it); a page only French has falls back to its nearest translated
ancestor; Django pages keep their arguments and query string; the login page's ``next`` follows."""
from urllib.parse import urlencode

import pytest
from django.conf import settings
from wagtail.models import Locale

from courses import services as course_services
from tests.conftest import login_in_browser
from tests.courses.factories import lessons_of, make_course
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _publish(page):
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def translated_course():
    """A French course with two lessons; the course, its first unit and its first lesson are translated to
    English (the lesson under another slug), the second lesson is French only."""
    course = make_course(title="Cours traduit", n_units=1, lessons_per_unit=2)
    course_services.ensure_catalogue()
    en = Locale.objects.get(language_code="en")
    en_course = course.copy_for_translation(en, copy_parents=True)
    en_course.title = "Translated course"
    en_course = _publish(en_course)
    for p in en_course.get_ancestors().filter(depth__gt=2, alias_of__isnull=True, live=False):
        _publish(p.specific)
    unit = course.get_children().first().specific
    en_unit = unit.copy_for_translation(en)
    en_unit.title = "Semester 1"
    en_unit = _publish(en_unit)
    fr_lesson, fr_only = lessons_of(course)
    en_lesson = fr_lesson.copy_for_translation(en)
    en_lesson.title, en_lesson.slug = "Lesson 1.1", "lesson-one"
    en_lesson = _publish(en_lesson)
    return {"course": course, "en_course": en_course, "lesson": fr_lesson, "en_lesson": en_lesson,
            "fr_only": fr_only, "en_unit": en_unit}


def switch(client, next_url, language):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


@pytest.mark.parametrize("fr_url, en_url", [
    ("/", "/en/"),
    ("/catalogue/", "/en/catalogue/"),
    ("/badges/verify/", "/en/badges/verify/"),
    ("/accounts/login/", "/en/accounts/login/"),
    ("/accounts/login/?next=%2Fdashboard%2F", "/en/accounts/login/?next=%2Fen%2Fdashboard%2F"),
    ("/catalogue/?kind=continuing&q=son", "/en/catalogue/?kind=continuing&q=son"),
    ("/accounts/password-reset/", "/en/accounts/password-reset/"),
])
def test_switch_lands_on_the_same_page_both_ways(client, fr_url, en_url):
    course_services.ensure_catalogue()
    r = switch(client, fr_url, "en")
    assert r.status_code == 302 and r["Location"] == en_url
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    r = switch(client, en_url, "fr")
    assert r.status_code == 302 and r["Location"] == fr_url
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get(en_url).status_code == 200 and client.get(fr_url).status_code == 200


def test_the_pages_form_posts_the_current_page(client):
    course_services.ensure_catalogue()
    html = client.get("/en/catalogue/?kind=module").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="next" type="hidden" value="/en/catalogue/?kind=module"' in html


def test_wagtail_pages_go_to_their_translation(client):
    t = translated_course()
    assert t["en_lesson"].url != t["lesson"].url.replace("/catalogue/", "/en/catalogue/")  # not a prefix swap
    assert switch(client, t["lesson"].url, "en")["Location"] == t["en_lesson"].url
    assert switch(client, t["en_lesson"].url, "fr")["Location"] == t["lesson"].url
    assert switch(client, t["course"].url, "en")["Location"] == t["en_course"].url
    assert switch(client, t["en_course"].url, "fr")["Location"] == t["course"].url
    assert client.get(t["en_lesson"].url).status_code == 200


def test_a_page_only_one_language_has_falls_back_to_its_translated_parent(client):
    t = translated_course()
    r = switch(client, t["fr_only"].url, "en")
    assert r["Location"] == t["en_unit"].url
    assert client.get(r["Location"], follow=True).status_code == 200  # the unit shows its course, at the unit


def test_django_pages_keep_their_arguments(client):
    from tests.exams.helpers import make_certification

    cert = make_certification(types=("single",), practical=False)
    fr_url = f"/exams/certifications/{cert.code}/"
    assert switch(client, fr_url, "en")["Location"] == "/en" + fr_url
    assert switch(client, "/en" + fr_url, "fr")["Location"] == fr_url


def test_unknown_path_keeps_its_tail_and_bad_input_is_refused(client):
    course_services.ensure_catalogue()
    assert switch(client, "/en/no-such-page/", "fr")["Location"] == "/no-such-page/"
    # unknown language: back to the page, nothing remembered
    r = switch(client, "/en/catalogue/", "de")
    assert r["Location"] == "/en/catalogue/" and settings.LANGUAGE_COOKIE_NAME not in r.cookies
    # another site: not followed
    assert switch(client, "https://evil.example/en/", "fr")["Location"] == "/"
    assert switch(client, "//evil.example/en/", "fr")["Location"] == "/"
    assert client.get("/i18n/setlang/").status_code == 405


def test_a_signed_in_user_switches_on_a_lesson(client):
    t = translated_course()
    client.force_login(make_user("student"))
    assert switch(client, t["en_lesson"].url, "fr")["Location"] == t["lesson"].url


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_choosing_a_language_in_chromium_both_ways(live_server, browser, screenshot_dir):
    t = translated_course()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for start, lang, expected in [
        ("/en/catalogue/", "fr", "/catalogue/"),
        ("/catalogue/", "en", "/en/catalogue/"),
        ("/en/", "fr", "/"),
        ("/en/badges/verify/", "fr", "/badges/verify/"),
        ("/badges/verify/", "en", "/en/badges/verify/"),
        (t["en_lesson"].url, "fr", t["lesson"].url),
        (t["lesson"].url, "en", t["en_lesson"].url),
        ("/en/accounts/login/", "fr", "/accounts/login/"),
    ]:
        page.goto(live_server.url + start)
        with page.expect_navigation():
            page.select_option("#lang-select", lang)
        page.wait_for_load_state("networkidle")
        assert page.url == live_server.url + expected, (start, lang, page.url)
        assert page.locator("html").get_attribute("lang") == lang
    page.screenshot(path=str(screenshot_dir / "language_switch_lesson_en.png"), full_page=False)
    # signed in, the switch keeps the session and the page
    user = make_user("student", password="pass-Word-1234")
    login_in_browser(page, live_server.url, user.email, lang_prefix="/en")
    page.goto(live_server.url + "/en/badges/mine/")
    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    assert page.url == live_server.url + "/badges/mine/"
    page.close()


def test_the_next_parameter_follows_to_the_translated_page(client):
    t = translated_course()
    en, fr = t["en_lesson"].url, t["lesson"].url
    r = switch(client, f"/en/accounts/login/?next={en}", "fr")
    assert r["Location"] == "/accounts/login/?" + urlencode({"next": fr})
    # two Wagtail pages in one switch (the page and its next): each routed on its own
    r = switch(client, f"{t['en_course'].url}?next={en}", "fr")
    assert r["Location"] == f"{t['course'].url}?" + urlencode({"next": fr})


def test_a_page_with_an_accented_slug(client):
    from django.utils.encoding import iri_to_uri

    from courses.models import LessonPage

    t = translated_course()
    lesson = LessonPage.objects.get(pk=t["lesson"].pk)
    lesson.slug = "leçon-été"
    lesson.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    html = client.get(lesson.url).content.decode()
    assert "le%C3%A7on-%C3%A9t%C3%A9" in html  # the form posts the encoded path as next
    r = switch(client, iri_to_uri(lesson.url), "en")
    assert r["Location"] == t["en_lesson"].url
