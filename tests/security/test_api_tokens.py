"""Medium 5: API tokens never died (no expiry, no revocation, surviving password change and reset).
Now: a fixed lifetime (API_TOKEN_TTL_DAYS), list and revoke endpoints, and every token of an account dies
with a password change, a password reset or the account's deactivation. Logging out of the site ends the
browser session only (README)."""
import datetime
import json
import re

import pytest
from django.utils import timezone

from lms.accounts.models import ApiToken
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _token(client, user, password=TEST_PASSWORD):
    r = client.post("/api/v1/auth/token", data=json.dumps({"email": user.email, "password": password}),
                    content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()


def _me(client, raw):
    """Status of GET /api/v1/me with the token alone (a fresh client: no session to fall back on)."""
    from django.test import Client

    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_token_expires_after_the_configured_lifetime(client, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    user = make_user("student")
    issued = _token(client, user)
    expires = datetime.datetime.fromisoformat(issued["expires_at"])
    assert abs((expires - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)
    assert _me(client, issued["token"]) == 200
    # fixed, not sliding: use does not extend it; one second past the end it is refused
    ApiToken.objects.filter(pk=issued["id"]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _me(client, issued["token"]) == 401


def test_list_never_shows_the_secret_and_only_a_hash_is_stored(client):
    user = make_user("student")
    first, second = _token(client, user), _token(client, user)
    other = _token(client, make_user("student"))
    r = client.get("/api/v1/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {second['token']}")
    assert r.status_code == 200
    listed = r.json()
    assert {t["id"] for t in listed} == {first["id"], second["id"]}  # not the other user's
    assert [t["current"] for t in listed if t["id"] == second["id"]] == [True]
    text = r.content.decode()
    assert first["token"] not in text and second["token"] not in text and "key_hash" not in text
    stored = ApiToken.objects.get(pk=first["id"])
    assert stored.key_hash == ApiToken.hash(first["token"]) and first["token"] not in stored.key_hash
    assert other["id"] not in {t["id"] for t in listed}


def test_revoke_current_and_by_id(client):
    user = make_user("student")
    a, b, c = _token(client, user), _token(client, user), _token(client, user)
    r = client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {a['token']}")
    assert r.status_code == 204 and _me(client, a["token"]) == 401 and _me(client, b["token"]) == 200
    r = client.delete(f"/api/v1/auth/tokens/{c['id']}", HTTP_AUTHORIZATION=f"Bearer {b['token']}")
    assert r.status_code == 204 and _me(client, c["token"]) == 401
    # someone else's token: 404, and it keeps working
    stranger = _token(client, make_user("student"))
    r = client.delete(f"/api/v1/auth/tokens/{stranger['id']}", HTTP_AUTHORIZATION=f"Bearer {b['token']}")
    assert r.status_code == 404 and _me(client, stranger["token"]) == 200
    # with a session (no bearer token) the current-token form is a clear 400
    client.force_login(user)
    r = client.delete("/api/v1/auth/token")
    assert r.status_code in (400, 403)  # 403 when the session's CSRF check comes first
    assert client.delete("/api/v1/auth/tokens/1").status_code in (403, 404)


def test_password_change_revokes_every_token(client):
    user = make_user("student")
    raw = _token(client, user)["token"]
    client.force_login(user)
    r = client.post("/accounts/password-change/", {"old_password": TEST_PASSWORD, "new_password1": "An0ther-pass-phrase",
                                                   "new_password2": "An0ther-pass-phrase"})
    assert r.status_code == 302
    assert _me(client, raw) == 401 and not ApiToken.objects.filter(user=user).exists()


def test_password_reset_revokes_every_token(client, mailoutbox):
    user = make_user("student")
    raw = _token(client, user)["token"]
    client.post("/accounts/password-reset/", {"email": user.email})
    link = re.search(r"/accounts/reset/\S+/", mailoutbox[0].body).group(0)
    r = client.get(link, follow=True)
    form_url = r.redirect_chain[-1][0]
    r = client.post(form_url, {"new_password1": "Brand-new-pass-2026", "new_password2": "Brand-new-pass-2026"})
    assert r.status_code == 302
    assert _me(client, raw) == 401


def test_deactivation_revokes_and_logout_does_not(client):
    user = make_user("student")
    raw = _token(client, user)["token"]
    client.force_login(user)
    client.post("/accounts/logout/")
    assert _me(client, raw) == 200  # logging out of the site ends the browser session only (README)
    user.is_active = False
    user.save()
    assert _me(client, raw) == 401 and not ApiToken.objects.filter(user=user).exists()
