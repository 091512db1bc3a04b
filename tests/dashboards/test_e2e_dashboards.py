"""Both dashboards in a real browser, French and English, on the full demo data; screenshots for review."""
import io

import pytest
from django.core.management import call_command

from tests.conftest import login_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_dashboards_in_french_and_english(live_server, browser, screenshot_dir, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    from lms.demo import DEMO_PASSWORD

    for lang, prefix in (("fr", ""), ("en", "/en")):
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale=lang)
        page = ctx.new_page()
        login_in_browser(page, live_server.url, "school@demo.flowstage.test", DEMO_PASSWORD, prefix)
        page.goto(f"{live_server.url}{prefix}/school-dashboard/")
        page.wait_for_load_state("networkidle")
        assert "/school-dashboard/la-femis/" in page.url
        heading = page.locator("h1").inner_text()
        assert heading == "La Fémis"
        assert page.locator("svg[role=img]").count() == 2
        assert page.get_by_text("Marie Dubois").count() >= 1
        assert page.get_by_text("Étudiants en difficulté" if lang == "fr" else "Students at risk", exact=True).count() == 1
        page.screenshot(path=str(screenshot_dir / f"dashboard_school_{lang}.png"), full_page=True)
        # another school's dashboard is forbidden
        response = page.goto(f"{live_server.url}{prefix}/school-dashboard/eicar/")
        assert response.status == 403
        ctx.close()

        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale=lang)
        page = ctx.new_page()
        login_in_browser(page, live_server.url, "staff@demo.flowstage.test", DEMO_PASSWORD, prefix)
        page.goto(f"{live_server.url}{prefix}/flow-stage/kpis/")
        page.wait_for_load_state("networkidle")
        assert page.locator("svg[role=img]").count() == 5  # with the satisfaction chart (issue 12)
        assert page.get_by_text("Taux de renouvellement" if lang == "fr" else "Renewal rate").count() >= 1
        body = page.locator("main").inner_text().replace("\u202f", " ").replace("\xa0", " ")
        if lang == "fr":
            assert "285 k€" in body and "1 779 k€" in body
        else:
            assert "€285k" in body and "€1,779k" in body
        page.screenshot(path=str(screenshot_dir / f"dashboard_flowstage_{lang}.png"), full_page=True)
        ctx.close()
