"""Adding a badge to a wallet by OpenID for Verifiable Credential Issuance (badges.wallet, badges.wallet_api): the
holder's offer, the metadata, the token and credential endpoints, the DID-bound copy; and what an attacker can do
with each request."""
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from badges import merkle, services, wallet
from badges.models import HolderCopy, LogEntry, WalletOffer
from badges_testkit import clock, doc_of, issue, verify_doc  # noqa: F401
from tests.factories import make_user
from wallet_testkit import Wallet, cred, holder  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db]

TOKEN = "/api/v1/wallet/oid4vci/token"
CREDENTIAL = "/api/v1/wallet/oid4vci/credential"


def path_of(url: str) -> str:
    return urlsplit(url).path


def offer_for(client, holder, cred) -> WalletOffer:
    """The holder asks for an offer on their badge's page, as the browser does."""
    client.force_login(holder)
    resp = client.post(f"/badges/{cred.pk}/wallet/")
    assert resp.status_code == 302 and "#wallet" in resp["Location"]
    offer_id = parse_qs(urlsplit(resp["Location"]).query)["wallet"][0]
    client.logout()
    return WalletOffer.objects.get(pk=offer_id)


def code_of(client, offer) -> str:
    resp = client.get(path_of(wallet.offer_url(offer)))
    assert resp.status_code == 200, resp.content
    return resp.json()["grants"][wallet.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]


def token(client, code, grant=wallet.PRE_AUTHORIZED_GRANT):
    return form_post(client, {"grant_type": grant, "pre-authorized_code": code})


def form_post(client, data: dict):
    from urllib.parse import urlencode

    return client.post(TOKEN, urlencode(data), content_type="application/x-www-form-urlencoded")


def ask_credential(client, access_token, body, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {access_token}"} if access_token else {}
    return client.post(CREDENTIAL, raw if raw is not None else json.dumps(body), content_type="application/json",
                       **headers)


def request_body(proof_jwt):
    return {"credential_configuration_id": wallet.CONFIGURATION_ID, "proof": {"proof_type": "jwt", "jwt": proof_jwt}}


def tokens(client, holder, cred) -> dict:
    offer = offer_for(client, holder, cred)
    resp = form_post(client, {"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code_of(client, offer)})
    assert resp.status_code == 200, resp.content
    return resp.json()


def oauth_error(resp, status, error):
    assert resp.status_code == status, (resp.status_code, resp.content)
    data = resp.json()
    assert data["error"] == error and data["error_description"], data
    return data


# ------------------------------------------------------------------------------------ the whole flow
def test_the_holder_gets_a_did_bound_copy_that_verifies_and_is_revoked_with_the_badge(client, holder, cred):
    w = Wallet()
    client.force_login(holder)
    page = client.get(f"/badges/{cred.pk}/").content.decode()
    assert "data-wallet-create" in page and "Ajouter à un portefeuille" in page
    client.logout()

    offer = offer_for(client, holder, cred)
    client.force_login(holder)
    page = client.get(f"/badges/{cred.pk}/?wallet={offer.pk}").content.decode()
    assert "data-wallet-qr" in page and "openid-credential-offer://?credential_offer_uri=" in page
    qr = client.get(f"/badges/{cred.pk}/wallet/{offer.pk}/oid4vci.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    client.logout()

    offer_doc = client.get(path_of(wallet.offer_url(offer))).json()
    assert offer_doc["credential_issuer"] == services.base_url()
    assert offer_doc["credential_configuration_ids"] == [wallet.CONFIGURATION_ID]
    meta = client.get("/.well-known/openid-credential-issuer").json()
    assert meta["credential_endpoint"] == wallet.credential_endpoint()
    config = meta["credential_configurations_supported"][wallet.CONFIGURATION_ID]
    assert config["format"] == "ldp_vc" and config["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
    assert config["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == ["EdDSA"]
    assert [d["locale"] for d in config["display"]] == ["fr-FR", "en-US"]
    auth = client.get("/.well-known/oauth-authorization-server").json()
    assert auth["token_endpoint"] == wallet.token_endpoint() and auth["issuer"] == meta["credential_issuer"]

    resp = token(client, offer_doc["grants"][wallet.PRE_AUTHORIZED_GRANT]["pre-authorized_code"])
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store"
    grant = resp.json()
    assert grant["token_type"] == "Bearer" and grant["c_nonce"]
    resp = ask_credential(client, grant["access_token"],
                          request_body(w.proof(aud=meta["credential_issuer"], nonce=grant["c_nonce"])))
    assert resp.status_code == 200, resp.content
    doc = resp.json()["credentials"][0]["credential"]

    stored = doc_of(cred)
    assert doc["credentialSubject"]["id"] == w.did
    assert doc["id"].startswith("urn:uuid:") and doc["id"] != stored["id"]
    for field in ("validFrom", "validUntil", "credentialStatus", "issuer", "@context", "type", "name"):
        assert doc[field] == stored[field], field
    assert doc["credentialSubject"]["achievement"] == stored["credentialSubject"]["achievement"]
    assert doc["credentialSubject"]["identifier"] == stored["credentialSubject"]["identifier"]
    assert isinstance(doc["proof"], list) and doc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    report = verify_doc(doc)
    assert report.verdict == "VALID", report.as_dict()

    copy = HolderCopy.objects.get()
    assert copy.credential == cred and copy.holder_did == w.did and json.loads(copy.signed_json) == doc
    entry = LogEntry.objects.get(digest=merkle.credential_digest(doc))
    assert entry.event == "issued" and entry.credential is None
    assert report.as_dict().get("log") is None or report.as_dict()["log"]  # logged: the verifier may show it

    client.force_login(holder)
    assert w.did[:30] in client.get(f"/badges/{cred.pk}/").content.decode()  # "already in a wallet"

    services.revoke_credential(cred, reason="Fraud")
    assert verify_doc(doc).verdict == "REVOKED"


def test_the_draft_request_forms_are_understood(client, holder, cred):
    """Wallets built on earlier drafts ask by format and send ``proofs``; both give the same copy."""
    w = Wallet()
    grant = tokens(client, holder, cred)
    body = {"format": "ldp_vc", "proofs": {"jwt": [w.proof(aud=services.base_url(), nonce=grant["c_nonce"])]}}
    resp = ask_credential(client, grant["access_token"], body)
    assert resp.status_code == 200, resp.content
    assert resp.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == w.did


def test_a_jwk_proof_binds_to_the_did_key_of_that_key(client, holder, cred):
    w = Wallet()
    grant = tokens(client, holder, cred)
    proof = w.proof(aud=services.base_url(), nonce=grant["c_nonce"], header={"kid": None, "jwk": w.jwk()})
    resp = ask_credential(client, grant["access_token"], request_body(proof))
    assert resp.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == w.did


# ------------------------------------------------------------------------------------ offers: holder only, once, expire
def test_only_the_holder_may_make_an_offer(client, holder, cred, fs_staff):
    client.force_login(make_user("student"))
    assert client.post(f"/badges/{cred.pk}/wallet/").status_code == 404
    client.force_login(fs_staff)  # staff may see the badge's page, not put it in their own wallet
    assert client.post(f"/badges/{cred.pk}/wallet/").status_code == 404
    assert "data-wallet" not in client.get(f"/badges/{cred.pk}/").content.decode()
    client.logout()
    assert client.post(f"/badges/{cred.pk}/wallet/").status_code == 302  # to the login page
    assert not WalletOffer.objects.exists()
    offer = offer_for(client, holder, cred)
    client.force_login(make_user("student"))
    assert client.get(f"/badges/{cred.pk}/wallet/{offer.pk}/oid4vci.svg").status_code == 404
    assert client.get(f"/badges/{cred.pk}/wallet/").status_code == 405


def test_a_code_works_once(client, holder, cred):
    offer = offer_for(client, holder, cred)
    code = code_of(client, offer)
    assert token(client, code).status_code == 200
    oauth_error(token(client, code), 400, "invalid_grant")
    oauth_error(client.get(path_of(wallet.offer_url(offer))), 404, "invalid_request")  # the offer is spent


def test_an_expired_offer(client, holder, cred):
    offer = offer_for(client, holder, cred)
    code = code_of(client, offer)
    WalletOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    oauth_error(token(client, code), 400, "invalid_grant")
    oauth_error(client.get(path_of(wallet.offer_url(offer))), 404, "invalid_request")
    client.force_login(holder)
    page = client.get(f"/badges/{cred.pk}/?wallet={offer.pk}").content.decode()
    assert "data-wallet-qr" not in page and "data-wallet-create" in page
    assert client.get(f"/badges/{cred.pk}/wallet/{offer.pk}/oid4vci.svg").status_code == 404


@pytest.mark.parametrize("data, error", [
    ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
    ({"grant_type": wallet.PRE_AUTHORIZED_GRANT}, "invalid_request"),
    ({"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": "guess"}, "invalid_grant"),
    ({"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": "x" * 5000}, "invalid_request"),
    ({"grant_type": ""}, "unsupported_grant_type"),
])
def test_bad_token_requests(client, data, error):
    oauth_error(form_post(client, data), 400, error)


def test_token_request_bodies(client, holder, cred):
    code = code_of(client, offer_for(client, holder, cred))
    oauth_error(client.post(TOKEN, json.dumps({"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}),
                            content_type="application/json"), 400, "invalid_request")
    oauth_error(client.post(TOKEN, "grant_type=a&grant_type=b", content_type="application/x-www-form-urlencoded"),
                400, "invalid_request")
    oauth_error(client.post(TOKEN, b"\xff\xfe=\xff", content_type="application/x-www-form-urlencoded"), 400,
                "invalid_request")
    oauth_error(client.post(TOKEN, "a=" + "b" * 100_000, content_type="application/x-www-form-urlencoded"), 413,
                "invalid_request")
    assert token(client, code).status_code == 200  # none of it spent the code


def test_offer_urls_that_are_not_offers(client):
    for tail in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", "x" * 500):
        oauth_error(client.get(f"/api/v1/wallet/oid4vci/offers/{tail}"), 404, "invalid_request")


def test_a_revoked_badge_is_not_offered(client, holder, cred):
    offer = offer_for(client, holder, cred)
    code = code_of(client, offer)
    services.revoke_credential(cred, reason="Fraud")
    oauth_error(token(client, code), 400, "invalid_grant")
    client.force_login(holder)
    resp = client.post(f"/badges/{cred.pk}/wallet/", follow=True)
    page = resp.content.decode()
    assert WalletOffer.objects.count() == 1
    cred.refresh_from_db()
    with translation.override("fr"):
        reason = wallet.refusal(cred)
    assert "data-wallet-refusal" in page and "data-wallet-create" not in page and escape(reason) in page


def test_an_expired_badge_is_not_offered(client, holder, clock):
    """A wallet would get a copy signed today of a credential no longer valid: the page says why instead of offering
    it, and an offer made while it was valid is refused at the token endpoint once it has expired."""
    now = timezone.now()
    cred = issue(holder, valid_from=now - timedelta(days=2), valid_until=now + timedelta(minutes=5))
    offer = offer_for(client, holder, cred)
    code = code_of(client, offer)
    clock.advance(seconds=6 * 60)
    oauth_error(token(client, code), 400, "invalid_grant")
    client.force_login(holder)
    resp = client.post(f"/badges/{cred.pk}/wallet/", follow=True)
    page = resp.content.decode()
    assert WalletOffer.objects.count() == 1, "no offer of an expired badge"
    with translation.override("fr"):
        reason = wallet.refusal(cred)
    assert "expir" in reason and escape(reason) in page and "data-wallet-create" not in page


# ------------------------------------------------------------------------------------ credential endpoint attacks
def test_the_token_is_required_and_works_once(client, holder, cred):
    w = Wallet()
    grant = tokens(client, holder, cred)
    body = request_body(w.proof(aud=services.base_url(), nonce=grant["c_nonce"]))
    resp = ask_credential(client, None, body)
    oauth_error(resp, 401, "invalid_token")
    assert resp["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    oauth_error(ask_credential(client, "forged-token", body), 401, "invalid_token")
    oauth_error(client.post(CREDENTIAL, json.dumps(body), content_type="application/json",
                            HTTP_AUTHORIZATION=f"Basic {grant['access_token']}"), 401, "invalid_token")
    assert ask_credential(client, grant["access_token"], body).status_code == 200
    oauth_error(ask_credential(client, grant["access_token"], body), 401, "invalid_token")
    assert HolderCopy.objects.count() == 1


def test_another_holders_token_gives_only_that_holders_badge(client, holder, cred):
    """A token is its offer's: whoever presents it gets that offer's credential bound to their own DID, never another
    badge; and a spent token of someone else gives nothing."""
    other = make_user("student")
    other_cred = issue(other)
    mine, theirs = tokens(client, holder, cred), tokens(client, other, other_cred)
    w = Wallet()
    resp = ask_credential(client, theirs["access_token"],
                          request_body(w.proof(aud=services.base_url(), nonce=mine["c_nonce"])))
    oauth_error(resp, 400, "invalid_nonce")  # a nonce is its token's
    resp = ask_credential(client, theirs["access_token"],
                          request_body(w.proof(aud=services.base_url(), nonce=theirs["c_nonce"])))
    assert json.loads(HolderCopy.objects.get().signed_json)["credentialSubject"]["identifier"] == \
        doc_of(other_cred)["credentialSubject"]["identifier"]
    assert resp.status_code == 200


def test_an_expired_token(client, holder, cred):
    grant = tokens(client, holder, cred)
    WalletOffer.objects.update(redeemed_at=timezone.now() - wallet.token_lifetime() - timedelta(seconds=1))
    proof = Wallet().proof(aud=services.base_url(), nonce=grant["c_nonce"])
    oauth_error(ask_credential(client, grant["access_token"], request_body(proof)), 401, "invalid_token")


def test_bad_proofs_leave_the_token_usable(client, holder, cred):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    w = Wallet()
    grant = tokens(client, holder, cred)
    at, nonce, aud = grant["access_token"], grant["c_nonce"], services.base_url()
    cases = [
        (request_body(w.proof(aud=aud, nonce=nonce, signer=Ed25519PrivateKey.generate())), "invalid_proof"),
        (request_body(w.proof(aud="https://evil.example", nonce=nonce)), "invalid_proof"),
        (request_body(w.proof(aud=aud, nonce="guessed")), "invalid_nonce"),
        (request_body(w.proof(aud=aud, nonce=nonce, iat=1)), "invalid_proof"),
        ({"credential_configuration_id": wallet.CONFIGURATION_ID}, "invalid_proof"),
        ({"credential_configuration_id": wallet.CONFIGURATION_ID, "proof": {"proof_type": "ldp_vp"}}, "invalid_proof"),
        ({"credential_configuration_id": wallet.CONFIGURATION_ID, "proofs": {"jwt": ["a", "b"]}}, "invalid_proof"),
        (request_body("not.a.jwt"), "invalid_proof"),
        (request_body("e30.e30.e30"), "invalid_proof"),
        (request_body(None), "invalid_proof"),
        ({**request_body("x"), "credential_configuration_id": "UniversityDegree"}, "unknown_credential_configuration"),
        ({"format": "jwt_vc_json", "proof": {"proof_type": "jwt", "jwt": "x"}}, "unsupported_credential_format"),
        ({**request_body("x"), "proofs": {"jwt": ["x"]}}, "invalid_credential_request"),
    ]
    for body, error in cases:
        oauth_error(ask_credential(client, at, body), 400, error)
    for raw in ("{", "[]", "null", "\"x\"", b"\xff\xfe"):
        oauth_error(ask_credential(client, at, None, raw=raw), 400, "invalid_credential_request")
    huge = json.dumps({"proof": {"proof_type": "jwt", "jwt": "x" * 1_000_000}})
    oauth_error(ask_credential(client, at, None, raw=huge), 413, "invalid_credential_request")
    assert not HolderCopy.objects.exists()
    assert ask_credential(client, at, request_body(w.proof(aud=aud, nonce=nonce))).status_code == 200


def test_revoked_between_token_and_credential(client, holder, cred):
    grant = tokens(client, holder, cred)
    services.revoke_credential(cred, reason="Fraud")
    proof = Wallet().proof(aud=services.base_url(), nonce=grant["c_nonce"])
    oauth_error(ask_credential(client, grant["access_token"], request_body(proof)), 400, "credential_request_denied")
    assert not HolderCopy.objects.exists()


def test_errors_are_in_the_clients_language(client):
    resp = client.post(TOKEN, "grant_type=x", content_type="application/x-www-form-urlencoded",
                       HTTP_ACCEPT_LANGUAGE="fr")
    fr = resp.json()["error_description"]
    resp = client.post(TOKEN, "grant_type=x", content_type="application/x-www-form-urlencoded",
                       HTTP_ACCEPT_LANGUAGE="en")
    assert resp.json()["error_description"] != fr and "pre-authorised code grant" in resp.json()["error_description"]


def test_the_endpoints_are_rate_limited(client, settings):
    import uuid

    settings.RATELIMIT_ENABLE = True
    settings.BADGES_WALLET_RATE = "3/h"  # an hour's window: a minute's could roll over between the requests
    alias = settings.RATELIMIT_USE_CACHE  # counters of this test only (see test_badges_dos.rate_limits)
    settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "KEY_PREFIX": f"rl-{uuid.uuid4().hex}"}}
    codes = [client.post(TOKEN, "grant_type=x", content_type="application/x-www-form-urlencoded",
                         REMOTE_ADDR="203.0.113.77").status_code for _ in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[-1] == 429


def test_the_openapi_documents_the_wallet_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/wallet/oid4vci/token", "/api/v1/wallet/oid4vci/credential",
            "/api/v1/wallet/oid4vci/offers/{offer_id}", "/api/v1/wallet/exchanges/{offer_id}"} <= set(paths)


def test_personal_data_export_and_erasure(client, holder, cred):
    from badges import personal_data

    w = Wallet()
    grant = tokens(client, holder, cred)
    ask_credential(client, grant["access_token"], request_body(w.proof(aud=services.base_url(), nonce=grant["c_nonce"])))
    offer_for(client, holder, cred)  # a second offer, never used
    [row] = personal_data.export(holder)
    [copy] = row["wallet_copies"]
    assert copy["holder_did"] == w.did and json.loads(copy["signed_document"])["credentialSubject"]["id"] == w.did
    assert personal_data.anonymise(holder)["wallet_offers_deleted"] == 1
    assert WalletOffer.objects.count() == 1 and HolderCopy.objects.count() == 1  # the used offer and its copy stay


def test_no_key_may_sign_yet_is_a_503_that_leaves_the_token_usable(client, holder, cred, monkeypatch):
    """After a key compromise, until its successor is published long enough: the wallet is told when to come back."""
    w = Wallet()
    grant = tokens(client, holder, cred)
    body = request_body(w.proof(aud=services.base_url(), nonce=grant["c_nonce"]))
    real = services.signing_key

    def not_ready():
        raise services.KeyNotReady(timezone.now() + timedelta(seconds=90))

    monkeypatch.setattr(services, "signing_key", not_ready)
    resp = ask_credential(client, grant["access_token"], body)
    oauth_error(resp, 503, "credential_request_denied")
    assert 80 <= int(resp["Retry-After"]) <= 90 and not HolderCopy.objects.exists()
    monkeypatch.setattr(services, "signing_key", real)
    assert ask_credential(client, grant["access_token"], body).status_code == 200
