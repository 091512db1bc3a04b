"""CORS (lms/cors.py): browser-based wallets and verifiers of other sites may read the public documents and call the
wallet endpoints, preflight included; nothing that a session cookie authorises answers another origin. The table's
reach is held against every route of the authorisation matrix."""
import json
import re
import uuid

import pytest

from lms import cors
from tests.badges.badges_testkit import issue
from tests.factories import make_user
from tests.security.authz_matrix import MATRIX

pytestmark = pytest.mark.django_db

ORIGIN = "https://wallet.elsewhere.example"
WALLET_POSTS = ["/api/v1/wallet/oid4vci/token", "/api/v1/wallet/oid4vci/nonce", "/api/v1/wallet/oid4vci/credential",
                "/api/v1/wallet/exchanges/00000000-0000-4000-8000-000000000000"]


@pytest.fixture
def cred():
    return issue()


def documents(cred) -> list[str]:
    """What a browser verifier fetches to check ``cred``, and where a browser wallet starts."""
    doc = json.loads(cred.signed_json)
    local = lambda url: re.sub(r"^https?://[^/]+", "", url)  # noqa: E731
    ach = doc["credentialSubject"]["achievement"]
    return ["/.well-known/did.json", "/.well-known/openid-credential-issuer",
            "/.well-known/oauth-authorization-server", "/issuer.json", "/issuer/image.png",
            local(doc["credentialStatus"]["statusListCredential"]), local(doc["id"]), local(ach["id"]),
            local(ach["image"]["id"]), f"/achievements/{cred.achievement.slug}/image.svg", f"/v/{cred.short_id}/",
            f"/verify/{cred.pk}/", f"/en/verify/{cred.pk}/", "/verify/scan/trust.json",
            "/api/v1/wallet/oid4vci/offers/00000000-0000-4000-8000-000000000000"]


def no_cors(resp):
    assert not [h for h in resp.headers if h.lower().startswith("access-control-")], dict(resp.headers)


def assert_open(resp, preflight=False):
    assert resp["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp  # never with *: a script reads only what anyone reads
    if not preflight:
        assert set(resp["Access-Control-Expose-Headers"].split(", ")) == {"WWW-Authenticate", "Retry-After"}


# ------------------------------------------------------------------------------------ what is open
def test_public_documents_are_readable_from_any_origin(client, cred):
    for path in documents(cred):
        resp = client.get(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="application/vc+ld+json")
        assert resp.status_code in (200, 404), (path, resp.status_code)  # 404: the unknown offer, readable too
        assert_open(resp)


def test_the_wallet_endpoints_answer_other_origins_errors_included(client):
    for path in WALLET_POSTS:
        resp = client.post(path, "{}", content_type="application/json", HTTP_ORIGIN=ORIGIN)
        assert resp.status_code in (200, 400, 401, 404), (path, resp.status_code)
        assert_open(resp)
    refused = client.post("/api/v1/wallet/oid4vci/credential", "{}", content_type="application/json",
                          HTTP_ORIGIN=ORIGIN, HTTP_AUTHORIZATION="Bearer nope")
    assert refused.status_code == 401 and refused["WWW-Authenticate"]  # exposed: the wallet learns why


@pytest.mark.parametrize("path", WALLET_POSTS)
def test_preflight_of_a_wallet_endpoint(client, path):
    resp = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                          HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type")
    assert resp.status_code == 204 and resp.content == b""
    assert_open(resp, preflight=True)
    assert resp["Access-Control-Allow-Methods"] == "POST"
    assert {"Authorization", "Content-Type"} <= set(resp["Access-Control-Allow-Headers"].split(", "))
    assert "DPoP" not in resp["Access-Control-Allow-Headers"]  # the issuer advertises no DPoP
    assert resp["Access-Control-Max-Age"] == "7200"
    assert resp["Allow"] == "POST, OPTIONS"


def test_preflight_of_a_document_and_of_a_method_not_taken(client, cred):
    resp = client.options("/.well-known/did.json", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert resp.status_code == 204 and resp["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "Authorization" not in resp["Access-Control-Allow-Headers"]
    for path, method in [("/.well-known/did.json", "POST"), ("/api/v1/wallet/oid4vci/token", "DELETE"),
                         ("/api/v1/wallet/oid4vci/token", "GET"), (f"/credentials/{cred.pk}", "PUT")]:
        resp = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method)
        assert resp.status_code == 204
        no_cors(resp)
    plain = client.options("/api/v1/wallet/oid4vci/nonce")  # not a preflight: what the path takes, no CORS
    assert plain.status_code == 204 and plain["Allow"] == "POST, OPTIONS"
    no_cors(plain)
    # a method the path does not take is not marked readable either
    no_cors(client.post("/.well-known/did.json", HTTP_ORIGIN=ORIGIN))


# ------------------------------------------------------------------------------------ what stays closed
def test_nothing_a_session_cookie_authorises_answers_another_origin(client, cred):
    """The holder is signed in (their session cookie would go with a credentialed cross-origin request): their pages,
    their files, the wallet offer button, the API's session operations and staff pages give no CORS allowance, to a
    request or to a preflight."""
    client.force_login(cred.user)
    for path in [f"/badges/{cred.pk}/", f"/badges/{cred.pk}/credential.json", f"/badges/{cred.pk}/badge.png",
                 "/badges/mine/", "/api/v1/credentials/mine", "/dashboard/", "/accounts/my-data/export.json"]:
        resp = client.get(path, HTTP_ORIGIN=ORIGIN)
        assert resp.status_code in (200, 302), (path, resp.status_code)
        no_cors(resp)
    assert client.get(f"/badges/{cred.pk}/credential.json", HTTP_ORIGIN=ORIGIN).status_code == 200  # it was served
    for path, method in [(f"/badges/{cred.pk}/wallet/", "POST"), ("/api/v1/credentials/mine", "GET"),
                         (f"/badges/{cred.pk}/", "POST"), ("/api/v1/credentials/verify", "POST")]:
        resp = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")
        no_cors(resp)
    staff = make_user("flowstage_staff")
    client.force_login(staff)
    for path in ["/badges/staff/", "/api/v1/credentials/mine"]:
        no_cors(client.get(path, HTTP_ORIGIN=ORIGIN))


def test_near_misses_of_the_public_paths_stay_closed(client, cred):
    for path in ["/api/v1/wallet/oid4vci/tokens", "/api/v1/wallet/oid4vci/token/", "/api/v1/wallet/",
                 f"/credentials/{cred.pk}/x", f"/badges/{cred.pk}/wallet/", "/.well-known/did.json.bak",
                 "/status/1/x", "/verify/", f"/de/badges/{cred.pk}/"]:
        assert cors.policy_for(path) is None, path
        no_cors(client.get(path, HTTP_ORIGIN=ORIGIN))


# ------------------------------------------------------------------------------------ the table's reach
OPEN_ROUTES = {
    ".well-known/did.json", ".well-known/openid-credential-issuer", ".well-known/oauth-authorization-server",
    "issuer.json", "issuer/image.png", "status/<id:number>", "credentials/<uuid:pk>", "achievements/<slug:slug>",
    "achievements/<slug:slug>/image.png", "achievements/<slug:slug>/image.svg", "v/<str:short_id>/",
    "verify/<uuid:pk>/", "verify/scan/trust.json", "api/v1/wallet/oid4vci/offers/<offer_id>",
    "api/v1/wallet/oid4vci/token", "api/v1/wallet/oid4vci/nonce", "api/v1/wallet/oid4vci/credential",
    "api/v1/wallet/exchanges/<offer_id>",
}


class _Ids(dict):
    """Plausible values for the matrix's ``{placeholders}``: a UUID where one is expected, a number otherwise."""

    UUIDS = {"credential", "offer", "token", "public_id", "agreement_hash", "erasure"}

    def __missing__(self, key):
        return str(uuid.UUID(int=7)) if key in self.UUIDS else {"short_id": "Ab3dE_f-", "achievement": "son",
                                                                 "skill": "mixage"}.get(key, "7")


def test_the_table_opens_exactly_the_public_routes_of_the_authorisation_matrix():
    """Every route of the URL conf has a row in the matrix (tests/security walks it): each one's path, in French and
    in English, goes through the CORS table, which must open the public documents and the wallet endpoints and
    nothing else: no page, no session API operation, no admin."""
    opened = set()
    for row in MATRIX:
        path = row.path.format_map(_Ids()).split("?")[0]
        for variant in (path, "/en" + path):
            if cors.policy_for(variant) is not None:
                opened.add(row.route)
    assert opened == OPEN_ROUTES
