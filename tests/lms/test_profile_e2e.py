"""Marie edits a skill level in the browser and sees her progress chart change; screenshots FR + EN."""
import pytest

from lms.accounts.models import StudentProfile, TechnicalSkill
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _seed_marie():
    from io import StringIO

    from lms import demo, demo_history
    from partnerships import demo as partnerships_demo

    out = StringIO()
    partnerships_demo.seed(out)
    demo.seed(out)
    demo_history.seed(out)
    return StudentProfile.objects.get(user__email="marie.dubois@demo.flowstage.test")


def test_marie_edits_a_skill_and_the_chart_changes(live_server, browser, screenshot_dir):
    profile = _seed_marie()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login_in_browser(page, live_server.url, "marie.dubois@demo.flowstage.test", password="flowstage-demo")

    page.goto(f"{live_server.url}/profile/")
    chart = page.locator("#skill-chart svg")
    chart.wait_for()
    before = chart.inner_html()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path=str(screenshot_dir / "profile_marie_fr.png"), full_page=True)

    # Raise "Calage de système" from 2 to 4 on the skills page.
    page.goto(f"{live_server.url}/profile/edit/skills/")
    skill = TechnicalSkill.objects.get(profile=profile, name="Calage de système")
    row = page.locator(f"input[name^='tech-'][name$='-id'][value='{skill.pk}']").locator("xpath=ancestor::div[contains(@class,'row-form')][1]")
    row.locator("select[name$='-level']").select_option("4")
    page.screenshot(path=str(screenshot_dir / "profile_skills_edit_fr.png"), full_page=False)
    page.click("button[name=save]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert--success").count() == 1

    skill.refresh_from_db()
    assert skill.level == 4
    page.goto(f"{live_server.url}/profile/")
    after = page.locator("#skill-chart svg").inner_html()
    assert after != before
    assert "Calage de système: 4/5" in after

    page.goto(f"{live_server.url}/en/profile/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2", has_text="Skills").count() >= 1
    page.screenshot(path=str(screenshot_dir / "profile_marie_en.png"), full_page=True)
    page.goto(f"{live_server.url}/student/")
    page.screenshot(path=str(screenshot_dir / "student_dashboard_fr.png"), full_page=True)
    page.close()
