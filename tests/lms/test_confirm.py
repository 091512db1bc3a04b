"""lms.confirm: a confirmation token acts only for its user, action and object, and only for a while."""
import pytest
from django.core import signing
from django.test import RequestFactory

from lms import confirm
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _post(user, token=None):
    request = RequestFactory().post("/x/", {confirm.FIELD: token} if token is not None else {})
    request.user = user
    return request


def test_token_acts_only_for_its_user_action_and_object():
    alice, bob = make_user("student"), make_user("student")
    token = confirm.token(alice, "exams.submit", 7)
    assert confirm.check(_post(alice, token), "exams.submit", 7) == "ok"
    assert confirm.check(_post(bob, token), "exams.submit", 7) == "invalid"
    assert confirm.check(_post(alice, token), "exams.submit", 8) == "invalid"
    assert confirm.check(_post(alice, token), "badges.revoke", 7) == "invalid"
    assert confirm.check(_post(alice), "exams.submit", 7) == "missing"
    assert confirm.check(_post(alice, ""), "exams.submit", 7) == "missing"


def test_forged_and_expired_tokens_do_not_act(monkeypatch):
    alice = make_user("student")
    forged = signing.dumps([alice.pk, "exams.submit", "7"], salt="another salt")
    assert confirm.check(_post(alice, forged), "exams.submit", 7) == "invalid"
    assert confirm.check(_post(alice, "not-a-token"), "exams.submit", 7) == "invalid"
    token = confirm.token(alice, "exams.submit", 7)
    monkeypatch.setattr(confirm, "MAX_AGE", -1)
    assert confirm.check(_post(alice, token), "exams.submit", 7) == "expired"
    assert not confirm.confirmed(_post(alice, token), "exams.submit", 7)



def test_confirmation_page_language_switch_leads_back_to_where_the_action_started(client):
    from decimal import Decimal

    from django.urls import reverse

    from courses.models import CoursePage
    from tests.courses.factories import make_course

    course = make_course(n_units=1, lessons_per_unit=1, kind=CoursePage.Kind.CONTINUING, price=Decimal("199"),
                         open_enrolment=True)
    client.force_login(make_user("student"))
    html = client.post(reverse("courses:enrol", args=[course.pk])).content.decode()
    assert 'id="confirm"' in html
    assert f'<input name="next" type="hidden" value="{course.url}">' in html  # not the POST-only enrol URL
