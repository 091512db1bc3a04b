"""Medium 6: no throttling of login or token requests (fifty wrong passwords then the right one, all
accepted). django-axes now counts failures per account and client (e-mail + IP) and per client (IP), on
the login page and on POST /api/v1/auth/token alike, and tells the user when to retry (429)."""
import datetime
import json

import pytest
from django.utils import timezone

from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, email, password, ip="10.0.0.1", lang=""):
    return client.post(f"{lang}/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def _token(client, email, password, ip="10.0.0.1", lang="fr"):
    return client.post("/api/v1/auth/token", data=json.dumps({"email": email, "password": password}),
                       content_type="application/json", REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=lang)


def _age_attempts(minutes):
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


def test_fifty_wrong_passwords_then_the_right_one_is_refused_on_the_login_page(client):
    user = make_user("student")
    statuses = [_login(client, user.email, f"wrong-{i}").status_code for i in range(50)]
    assert statuses[:4] == [200] * 4 and set(statuses[5:]) == {429}
    r = _login(client, user.email, TEST_PASSWORD)
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    body = r.content.decode()
    assert "minute" in body and r["Retry-After"].isdigit() and int(r["Retry-After"]) <= 15 * 60
    # in English under /en/
    r = _login(client, user.email, TEST_PASSWORD, lang="/en")
    assert r.status_code == 429 and "Too many failed sign-in attempts" in r.content.decode()
    # the case of the address does not open a new counter
    assert _login(client, user.email.upper(), TEST_PASSWORD).status_code == 429


def test_fifty_wrong_passwords_then_the_right_one_is_refused_on_the_token_endpoint(client):
    user = make_user("student")
    statuses = [_token(client, user.email, f"wrong-{i}").status_code for i in range(50)]
    assert statuses[:4] == [401] * 4 and set(statuses[5:]) == {429}
    r = _token(client, user.email, TEST_PASSWORD)
    assert r.status_code == 429 and "token" not in r.json()
    assert r.json()["retry_after"] > 0 and "Trop de tentatives" in r.json()["detail"]
    r = _token(client, user.email, TEST_PASSWORD, lang="en")
    assert "Too many failed sign-in attempts" in r.json()["detail"] and r["Retry-After"].isdigit()


def test_the_page_and_the_api_share_the_counter(client):
    user = make_user("student")
    for i in range(3):
        _login(client, user.email, f"wrong-{i}")
    for i in range(2):
        _token(client, user.email, f"wrong-{i}")
    assert _token(client, user.email, TEST_PASSWORD).status_code == 429
    assert _login(client, user.email, TEST_PASSWORD).status_code == 429


def test_after_the_cool_off_the_right_password_works(client):
    user = make_user("student")
    for i in range(6):
        _login(client, user.email, f"wrong-{i}")
    assert _login(client, user.email, TEST_PASSWORD).status_code == 429
    _age_attempts(14)
    assert _login(client, user.email, TEST_PASSWORD).status_code == 429
    _age_attempts(16)
    r = _login(client, user.email, TEST_PASSWORD)
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert _token(client, user.email, TEST_PASSWORD).status_code == 200


def test_another_client_is_not_locked_out_of_the_same_account(client):
    """Per account AND client: an attacker cannot lock a student out from elsewhere."""
    user = make_user("student")
    for i in range(10):
        _login(client, user.email, f"wrong-{i}", ip="203.0.113.9")
    assert _login(client, user.email, TEST_PASSWORD, ip="203.0.113.9").status_code == 429
    assert _login(client, user.email, TEST_PASSWORD, ip="198.51.100.7").status_code == 302
    assert _token(client, user.email, TEST_PASSWORD, ip="198.51.100.7").status_code == 200


def test_one_client_spraying_many_accounts_is_locked(client, settings):
    """Per client: 30 failures from one address, whatever the accounts (4 at most each, under the per-account
    limit), lock that address; the failure that reaches the limit already answers 429."""
    limit = settings.LOGIN_FAILURES_PER_CLIENT
    victims = [make_user("student") for _ in range(8)]
    attempts = [(v, f"wrong-{round_}") for round_ in range(4) for v in victims][:limit]
    statuses = [_token(client, v.email, pw, ip="192.0.2.50").status_code for v, pw in attempts]
    assert statuses[:-1] == [401] * (limit - 1) and statuses[-1] == 429
    fresh = make_user("student")
    assert _token(client, fresh.email, TEST_PASSWORD, ip="192.0.2.50").status_code == 429
    assert _login(client, fresh.email, TEST_PASSWORD, ip="192.0.2.50").status_code == 429
    assert _token(client, fresh.email, TEST_PASSWORD, ip="192.0.2.51").status_code == 200


def test_a_success_clears_the_account_counter(client):
    user = make_user("student")
    for i in range(4):
        _login(client, user.email, f"wrong-{i}")
    assert _login(client, user.email, TEST_PASSWORD).status_code == 302
    client.logout()
    for i in range(4):
        assert _login(client, user.email, f"again-{i}").status_code == 200
    assert _login(client, user.email, TEST_PASSWORD).status_code == 302


def test_client_ip_behind_trusted_proxies(rf, settings):
    from lms.throttle import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1  # the forged left entry is ignored
    assert client_ip(request) == "198.51.100.7"
