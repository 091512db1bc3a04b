"""The W3C CCG VC-API exchange of the DCC Learner Credential Wallet (badges.wallet, ``/api/v1/wallet/exchanges/``):
the deep link, DID authentication, the DID-bound copy in a presentation; the same offer as OpenID for VCI (once,
expires); and what an attacker can do with each request."""
import json
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from badges import services, wallet
from badges.models import HolderCopy, WalletOffer
from badges_testkit import doc_of, issue, verify_doc
from test_badges_wallet import code_of, oauth_error, offer_for, token
from wallet_testkit import Wallet, did_auth

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def cred(student):
    return issue(student)


def post(client, offer_or_url, body=None, raw=None):
    url = offer_or_url if isinstance(offer_or_url, str) else wallet.exchange_url(offer_or_url)
    return client.post(urlsplit(url).path, raw if raw is not None else json.dumps(body if body is not None else {}),
                       content_type="application/json")


def test_the_learner_credential_wallet_flow(client, student, cred):
    offer = offer_for(client, student, cred)
    client.force_login(student)
    page = client.get(f"/badges/{cred.pk}/?wallet={offer.pk}").content.decode()
    link = wallet.lcw_link(offer)
    assert link.replace("&", "&amp;") in page or link in page
    request = json.loads(parse_qs(urlsplit(link).query)["request"][0])
    assert request == {"credentialRequestOrigin": services.base_url(), "protocols": {"vcapi": wallet.exchange_url(offer)}}
    assert client.get(f"/badges/{cred.pk}/wallet/{offer.pk}/lcw.svg").status_code == 200
    assert client.get(f"/badges/{cred.pk}/wallet/{offer.pk}/other.svg").status_code == 404
    client.logout()

    resp = post(client, request["protocols"]["vcapi"], {})
    assert resp.status_code == 200, resp.content
    vpr = resp.json()["verifiablePresentationRequest"]
    assert vpr["query"][0]["type"] == "DIDAuthentication" and vpr["challenge"]
    assert vpr["domain"] == wallet.exchange_domain()
    services_ = {s["type"]: s["serviceEndpoint"] for s in vpr["interact"]["service"]}
    endpoint = services_["UnmediatedPresentationService2021"]
    assert services_["VerifiableCredentialApiExchangeService"] == endpoint == wallet.exchange_url(offer)

    w = Wallet()
    resp = post(client, endpoint, {"verifiablePresentation": did_auth(w, challenge=vpr["challenge"],
                                                                       domain=vpr["domain"])})
    assert resp.status_code == 200, resp.content
    vp = resp.json()["verifiablePresentation"]
    assert "VerifiablePresentation" in vp["type"] and len(vp["verifiableCredential"]) == 1
    doc = vp["verifiableCredential"][0]
    assert doc["credentialSubject"]["id"] == w.did and doc["credentialStatus"] == doc_of(cred)["credentialStatus"]
    assert verify_doc(doc).verdict == "VALID"
    assert HolderCopy.objects.get().holder_did == w.did

    # Once: neither protocol can use the offer again.
    oauth_error(post(client, offer, {}), 404, "invalid_request")
    oauth_error(post(client, endpoint, {"verifiablePresentation": did_auth(w, challenge=vpr["challenge"],
                                                                           domain=vpr["domain"])}), 400,
                "invalid_request")
    oauth_error(token(client, wallet.pre_authorized_code(offer)), 400, "invalid_grant")
    assert HolderCopy.objects.count() == 1


def test_an_offer_used_by_openid_is_not_an_exchange(client, student, cred):
    offer = offer_for(client, student, cred)
    assert token(client, code_of(client, offer)).status_code == 200
    oauth_error(post(client, offer, {}), 404, "invalid_request")
    offer.refresh_from_db()
    w = Wallet()
    vp = did_auth(w, challenge=offer.c_nonce, domain=wallet.exchange_domain())  # even knowing OpenID's nonce
    oauth_error(post(client, offer, {"verifiablePresentation": vp}), 400, "invalid_request")
    assert not HolderCopy.objects.exists()


def test_an_expired_offer_and_an_expired_exchange(client, student, cred):
    offer = offer_for(client, student, cred)
    WalletOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    oauth_error(post(client, offer, {}), 404, "invalid_request")
    offer = offer_for(client, student, cred)
    vpr = post(client, offer, {}).json()["verifiablePresentationRequest"]
    WalletOffer.objects.filter(pk=offer.pk).update(redeemed_at=timezone.now() - wallet.token_lifetime())
    vp = did_auth(Wallet(), challenge=vpr["challenge"], domain=vpr["domain"])
    oauth_error(post(client, offer, {"verifiablePresentation": vp}), 400, "invalid_request")


def test_bad_did_authentications_leave_the_exchange_open(client, student, cred):
    offer = offer_for(client, student, cred)
    oauth_error(post(client, offer, {"verifiablePresentation": {}}), 400, "invalid_request")  # not started
    vpr = post(client, offer, {}).json()["verifiablePresentationRequest"]
    challenge, domain = vpr["challenge"], vpr["domain"]
    w, other = Wallet(), Wallet()
    forged = did_auth(w, challenge=challenge, domain=domain)
    forged["holder"] = other.did  # the proof is by w's key, the holder claimed is other's
    tampered = did_auth(w, challenge="an old challenge", domain=domain)
    tampered["proof"]["challenge"] = challenge  # a replayed authentication given this exchange's challenge
    cases = [
        (did_auth(w, challenge=challenge, domain=domain, signer=Ed25519PrivateKey.generate()), "invalid_proof"),
        (did_auth(w, challenge="guessed", domain=domain), "invalid_nonce"),
        (did_auth(w, challenge=challenge, domain="https://evil.example"), "invalid_proof"),
        (did_auth(w, challenge=challenge, domain=None), "invalid_proof"),
        (did_auth(w, challenge=challenge, domain=domain, purpose="assertionMethod"), "invalid_proof"),
        (did_auth(w, challenge=challenge, domain=domain, holder="did:web:evil.example"), "invalid_proof"),
        (did_auth(w, challenge=challenge, domain=domain, extra={"verifiableCredential": [doc_of(cred)]}),
         "invalid_proof"),
        (forged, "invalid_proof"),
        (tampered, "invalid_proof"),
        ({**did_auth(w, challenge=challenge, domain=domain), "type": ["VerifiableCredential"]}, "invalid_proof"),
        ({k: v for k, v in did_auth(w, challenge=challenge, domain=domain).items() if k != "proof"}, "invalid_proof"),
        ({**did_auth(w, challenge=challenge, domain=domain), "undefinedTerm": 1}, "invalid_proof"),
        ("a presentation", "invalid_proof"),
        (None, "invalid_proof"),
    ]
    for vp, error in cases:
        oauth_error(post(client, offer, {"verifiablePresentation": vp}), 400, error)
    for raw in ("{", "[]", "\"x\"", b"\xff"):
        oauth_error(post(client, offer, raw=raw), 400, "invalid_request")
    oauth_error(post(client, offer, raw=json.dumps({"verifiablePresentation": "x" * 100_000})), 413, "invalid_request")
    assert not HolderCopy.objects.exists()
    resp = post(client, offer, {"verifiablePresentation": did_auth(w, challenge=challenge, domain=domain)})
    assert resp.status_code == 200 and HolderCopy.objects.get().holder_did == w.did


def test_unknown_exchanges(client):
    for tail in ("nope", "00000000-0000-0000-0000-000000000000", "x" * 300):
        oauth_error(client.post(f"/api/v1/wallet/exchanges/{tail}", "{}", content_type="application/json"), 404,
                    "invalid_request")


def test_a_badge_revoked_during_the_exchange(client, student, cred):
    offer = offer_for(client, student, cred)
    vpr = post(client, offer, {}).json()["verifiablePresentationRequest"]
    services.revoke_credential(cred, reason="Fraud")
    vp = did_auth(Wallet(), challenge=vpr["challenge"], domain=vpr["domain"])
    oauth_error(post(client, offer, {"verifiablePresentation": vp}), 400, "credential_request_denied")


@pytest.mark.django_db(transaction=True)
def test_wallets_racing_for_one_offer_get_one_credential(student):
    """Four wallets scanned the same QR code and race, two by each protocol: one gets the offer, the others are refused,
    and exactly one copy is issued (services run: PostgreSQL's concurrent connections)."""
    from django.db import connection

    from test_badges_key_races import run_at_once

    if connection.vendor == "sqlite":
        pytest.skip("needs a database with concurrent connections (services run)")
    offer = wallet.create_offer(issue(student))
    code = wallet.pre_authorized_code(offer)
    calls = iter([lambda: wallet.redeem_code(wallet.PRE_AUTHORIZED_GRANT, code),
                  lambda: wallet.start_exchange(offer.pk)] * 2)
    lock = threading.Lock()

    def one():
        with lock:
            call = next(calls)
        return call()

    results, errors = run_at_once(one)
    assert len(results) == 1 and len(errors) == 3, (results, errors)
    assert all(isinstance(e, wallet.WalletError) for e in errors), errors
    offer.refresh_from_db()
    w = Wallet()
    if "access_token" in results[0]:
        holder = wallet.authorised_offer(f"Bearer {results[0]['access_token']}")
        issue_one = lambda: wallet.deliver(holder, {  # noqa: E731
            "credential_configuration_id": wallet.CONFIGURATION_ID,
            "proof": {"proof_type": "jwt", "jwt": w.proof(aud=services.base_url(), nonce=offer.c_nonce)}})
    else:
        vp = did_auth(w, challenge=offer.c_nonce, domain=wallet.exchange_domain())
        issue_one = lambda: wallet.finish_exchange(offer.pk, vp)  # noqa: E731
    results, errors = run_at_once(issue_one)
    assert len(results) == 1 and len(errors) == 3 and HolderCopy.objects.count() == 1, (results, errors)


def test_the_presentation_as_the_whole_body(client, student, cred):
    """Wallets of DCC's first exchanges post the DID authentication itself, not wrapped."""
    offer = offer_for(client, student, cred)
    vpr = post(client, offer, {}).json()["verifiablePresentationRequest"]
    w = Wallet()
    resp = post(client, offer, did_auth(w, challenge=vpr["challenge"], domain=vpr["domain"]))
    assert resp.status_code == 200, resp.content
    assert resp.json()["verifiablePresentation"]["verifiableCredential"][0]["credentialSubject"]["id"] == w.did
