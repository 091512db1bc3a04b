"""Content negotiation through real HTTP requests (Django test client): a credential's id (/credentials/<id>),
its public verification page (/verify/<id>/, /en/verify/<id>/) and the QR code's short link (/v/<short id>/) answer
the signed credential to wallets and verifiers, HTML to browsers."""
import json

import pytest
from django.conf import settings
from django.core.cache import caches

from badges import services
from badges.models import Credential
from badges.negotiation import CREDENTIAL_TYPES, LD_JSON, VC, VC_LD_JSON
from badges_testkit import issue, verify_doc

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def _addresses(cred):
    return [f"/credentials/{cred.pk}", f"/verify/{cred.pk}/", f"/en/verify/{cred.pk}/", f"/v/{cred.short_id}/"]


def _vary(resp) -> set:
    return {v.strip().lower() for v in resp.get("Vary", "").split(",")}


@pytest.fixture
def cred():
    return issue(narrative="Mixed a 12-piece band live.")


@pytest.mark.parametrize("media_type", CREDENTIAL_TYPES)
@pytest.mark.parametrize("which", range(4), ids=["credential-id", "verify", "verify-en", "short-link"])
def test_each_credential_media_type_at_each_address(client, cred, media_type, which):
    resp = client.get(_addresses(cred)[which], HTTP_ACCEPT=media_type)
    assert resp.status_code == 200
    assert resp["Content-Type"] == media_type
    assert "accept" in _vary(resp)
    assert resp["Access-Control-Allow-Origin"] == "*"
    assert resp.content == cred.signed_json.encode("utf-8")  # byte for byte as signed
    assert verify_doc(json.loads(resp.content)).verdict == "VALID"


@pytest.mark.parametrize("which", [1, 2], ids=["verify", "verify-en"])
def test_a_browser_gets_the_verification_page(client, cred, which):
    resp = client.get(_addresses(cred)[which], HTTP_ACCEPT=BROWSER)
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/html")
    assert "accept" in _vary(resp)
    assert b"<html" in resp.content.lower()


def test_a_browser_on_the_credential_id_is_sent_to_the_page_in_its_language(client, cred):
    resp = client.get(_addresses(cred)[0], HTTP_ACCEPT=BROWSER, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 303 and resp["Location"] == f"/en/verify/{cred.pk}/"
    assert "accept" in _vary(resp)
    resp = client.get(_addresses(cred)[0], HTTP_ACCEPT=BROWSER, HTTP_ACCEPT_LANGUAGE="fr")
    assert resp["Location"] == f"/verify/{cred.pk}/"


def test_a_browser_scanning_the_qr_is_redirected_to_the_page(client, cred):
    resp = client.get(_addresses(cred)[3], HTTP_ACCEPT=BROWSER)
    assert resp.status_code == 302 and resp["Location"] == f"/verify/{cred.pk}/"
    assert "accept" in _vary(resp)


def test_defaults_without_accept(client, cred):
    """No Accept (or */*): the credential's id answers the credential (as before), the pages answer HTML."""
    for accept in (None, "*/*"):
        extra = {"HTTP_ACCEPT": accept} if accept else {}
        resp = client.get(_addresses(cred)[0], **extra)
        assert resp.status_code == 200 and resp["Content-Type"] == LD_JSON
        resp = client.get(_addresses(cred)[1], **extra)
        assert resp.status_code == 200 and resp["Content-Type"].startswith("text/html")
        assert client.get(_addresses(cred)[3], **extra).status_code == 302


def test_q_values_decide(client, cred):
    page = _addresses(cred)[1]
    resp = client.get(page, HTTP_ACCEPT="text/html;q=0.5, application/vc;q=0.9")
    assert resp["Content-Type"] == VC
    resp = client.get(page, HTTP_ACCEPT="text/html;q=0.9, application/vc;q=0.5")
    assert resp["Content-Type"].startswith("text/html")
    resp = client.get(page, HTTP_ACCEPT="application/vc+ld+json;q=0.8, application/ld+json;q=0.9, text/html;q=0.1")
    assert resp["Content-Type"] == LD_JSON
    resp = client.get(_addresses(cred)[0], HTTP_ACCEPT="application/ld+json;q=0, text/html")
    assert resp.status_code == 303


def test_revoked_credential_still_answers_and_its_status_tells(client, cred):
    services.revoke_credential(cred, reason="Fraud at the exam")
    for address in _addresses(cred):
        resp = client.get(address, HTTP_ACCEPT=VC_LD_JSON)
        assert resp.status_code == 200 and resp["Content-Type"] == VC_LD_JSON
        assert verify_doc(json.loads(resp.content)).verdict == "REVOKED"


def test_hidden_or_unknown_credential_is_not_served(client, cred):
    services.set_privacy(cred, Credential.Privacy.HIDDEN)
    for address in _addresses(cred):
        resp = client.get(address, HTTP_ACCEPT=LD_JSON)
        assert resp.status_code == 404, address
        assert cred.signed_json.encode() not in resp.content
    unknown = "00000000-0000-0000-0000-000000000000"
    for address in (f"/credentials/{unknown}", f"/verify/{unknown}/", "/v/nosuchid/"):
        assert client.get(address, HTTP_ACCEPT=VC).status_code == 404


def test_minimal_privacy_still_serves_the_credential(client, cred):
    """The signed document names no one (a salted hash of the e-mail): minimal privacy serves it."""
    services.set_privacy(cred, Credential.Privacy.MINIMAL)
    resp = client.get(_addresses(cred)[1], HTTP_ACCEPT=VC)
    assert resp.status_code == 200 and cred.user.email.encode() not in resp.content


def test_json_answers_count_in_the_verification_page_rate_limit(client, cred, settings):
    settings.RATELIMIT_ENABLE = True
    settings.BADGES_VERIFY_PAGE_RATE = "4/m"
    caches[settings.RATELIMIT_USE_CACHE].clear()
    ip = {"REMOTE_ADDR": "198.51.100.77"}
    seen = [client.get(a, HTTP_ACCEPT=VC_LD_JSON, **ip).status_code for a in _addresses(cred)]
    assert seen == [200, 200, 200, 200]
    resp = client.get(_addresses(cred)[0], HTTP_ACCEPT=VC_LD_JSON, **ip)
    assert resp.status_code == 429 and int(resp["Retry-After"]) >= 1
    assert resp["Content-Type"] == "application/json" and "retry_after" in resp.json()
    assert client.get(_addresses(cred)[1], **ip).status_code == 429  # the page shares the budget
    other = {"REMOTE_ADDR": "198.51.100.78"}
    assert client.get(_addresses(cred)[1], HTTP_ACCEPT=VC, **other).status_code == 200


def test_negotiated_json_costs_a_bounded_number_of_queries(client, cred, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(_addresses(cred)[1], HTTP_ACCEPT=VC)
    with django_assert_max_num_queries(2):
        client.get(_addresses(cred)[3], HTTP_ACCEPT=VC)
