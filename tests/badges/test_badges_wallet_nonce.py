"""OpenID for VCI 1.0's Nonce Endpoint (badges.wallet.fresh_nonce / valid_nonce / spend_nonce, POST
/api/v1/wallet/oid4vci/nonce): a c_nonce that anyone may ask for, unpredictable, good for a few minutes and for one key
proof; the token response's c_nonce (draft 13, the Sphereon client) keeps working beside it. And what an attacker
does with nonces: replays one, keeps one past its lifetime, brings one of another issuer, makes one up, sends a huge
body."""
import json
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from badges import services, wallet
from badges.models import HolderCopy, SpentNonce, WalletOffer
from badges_testkit import clock, issue  # noqa: F401
from test_badges_wallet import CREDENTIAL, ask_credential, oauth_error, path_of, request_body, tokens
from wallet_testkit import Wallet, cred, holder  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db]

NONCE = "/api/v1/wallet/oid4vci/nonce"


def endpoint_nonce(client) -> str:
    resp = client.post(NONCE)
    assert resp.status_code == 200, resp.content
    return resp.json()["c_nonce"]


def proof_with(w, nonce):
    return request_body(w.proof(aud=services.base_url(), nonce=nonce))


# ------------------------------------------------------------------------------------ the nonces themselves
def test_a_fresh_nonce_is_unpredictable_signed_and_stores_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        nonces = {wallet.fresh_nonce() for _ in range(200)}
    assert len(nonces) == 200 and all(wallet.valid_nonce(n) for n in nonces)
    assert all(len(n) <= wallet.MAX_NONCE_CHARS for n in nonces)
    bodies = {n.partition(".")[0][11:] for n in nonces}  # past the time: 16 random bytes each
    assert len(bodies) == 200


def test_a_nonce_expires(clock):
    nonce = wallet.fresh_nonce()
    clock.advance(seconds=wallet.nonce_lifetime().total_seconds() - 1)
    assert wallet.valid_nonce(nonce)
    clock.advance(seconds=1)
    assert not wallet.valid_nonce(nonce)


def foreign_nonce(settings) -> str:
    """A nonce the nonce endpoint of another issuer (another address, the same software and secret) made."""
    ours = settings.PUBLIC_BASE_URL
    settings.PUBLIC_BASE_URL = "https://issuer.elsewhere.example"
    try:
        return wallet.fresh_nonce()
    finally:
        settings.PUBLIC_BASE_URL = ours


def test_a_nonce_of_another_issuer_or_another_secret_is_refused(settings):
    mine, theirs = wallet.fresh_nonce(), foreign_nonce(settings)
    assert wallet.valid_nonce(mine) and not wallet.valid_nonce(theirs)
    settings.SECRET_KEY = "another deployment's secret key, long enough to be one" * 2
    assert not wallet.valid_nonce(mine)


def test_made_up_and_altered_nonces_are_refused(clock):
    nonce = wallet.fresh_nonce()
    body, mac = nonce.split(".")
    flip = lambda text, i: text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]  # noqa: E731
    later = clock.advance(seconds=10) and wallet.fresh_nonce()
    bad = [None, 17, "", "x", "a.b", "." * 75, "x" * 76, "x" * 100_000, nonce + "=", nonce + ".x", " " + nonce,
           nonce.upper(), body + "." + later.split(".")[1], later.split(".")[0] + "." + mac, "é" * 76,
           body + "." + mac[:-1], *(flip(body, i) + "." + mac for i in range(len(body))),
           *(body + "." + flip(mac, i) for i in range(len(mac)))]
    assert not any(wallet.valid_nonce(b) for b in bad)
    assert wallet.valid_nonce(nonce) and wallet.valid_nonce(later)


def test_a_nonce_from_the_future_is_refused(clock):
    clock.advance(minutes=10)
    ahead = wallet.fresh_nonce()
    clock.advance(minutes=-10)
    assert not wallet.valid_nonce(ahead)


def test_a_nonce_is_spent_once_and_forgotten_after_it_expires(clock):
    nonce, other = wallet.fresh_nonce(), wallet.fresh_nonce()
    wallet.spend_nonce(nonce)
    services.sweep()
    assert SpentNonce.objects.count() == 1  # kept while the nonce could be used
    wallet.spend_nonce(other)
    with pytest.raises(wallet.WalletError) as exc:
        wallet.spend_nonce(nonce)
    assert exc.value.error == "invalid_nonce"
    assert [s.digest for s in SpentNonce.objects.all()] != [nonce]  # its SHA-256, not the nonce
    clock.advance(seconds=wallet.nonce_lifetime().total_seconds() + 1)
    services.sweep()
    assert not SpentNonce.objects.exists()
    assert not wallet.valid_nonce(nonce)  # expired: no need to remember it


# ------------------------------------------------------------------------------------ the endpoint
def test_the_metadata_names_the_nonce_endpoint_and_it_answers_a_fresh_uncached_nonce(client):
    meta = client.get("/.well-known/openid-credential-issuer").json()
    assert meta["nonce_endpoint"] == wallet.nonce_endpoint() and path_of(meta["nonce_endpoint"]) == NONCE
    resp = client.post(NONCE)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"
    assert "no-store" in resp["Cache-Control"]
    body = resp.json()
    assert set(body) == {"c_nonce"} and wallet.valid_nonce(body["c_nonce"])
    assert endpoint_nonce(client) != body["c_nonce"]
    # what wallets send: nothing, an empty form (Sphereon), JSON; a GET is not the endpoint
    assert client.post(NONCE, "", content_type="application/x-www-form-urlencoded").status_code == 200
    assert client.post(NONCE, "{}", content_type="application/json").status_code == 200
    assert client.get(NONCE).status_code == 405
    assert not SpentNonce.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(client):
    oauth_error(client.post(NONCE, "a=" + "b" * 100_000, content_type="application/x-www-form-urlencoded"), 413,
                "invalid_request")
    resp = client.generic("POST", NONCE, b"", CONTENT_TYPE="application/json", CONTENT_LENGTH="999999999")
    oauth_error(resp, 413, "invalid_request")


def test_the_nonce_endpoint_is_rate_limited(client, settings):
    import uuid

    settings.RATELIMIT_ENABLE = True
    settings.BADGES_WALLET_RATE = "3/h"
    alias = settings.RATELIMIT_USE_CACHE
    settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "KEY_PREFIX": f"rl-{uuid.uuid4().hex}"}}
    codes = [client.post(NONCE, REMOTE_ADDR="203.0.113.78").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


# ------------------------------------------------------------------------------------ at the credential endpoint
def test_a_proof_with_a_nonce_of_the_endpoint_gets_the_credential(client, holder, cred):
    w = Wallet()
    grant = tokens(client, holder, cred)
    nonce = endpoint_nonce(client)
    resp = ask_credential(client, grant["access_token"], proof_with(w, nonce))
    assert resp.status_code == 200, resp.content
    assert resp.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == w.did
    assert SpentNonce.objects.get().digest == wallet._sha256(nonce)


def test_the_token_responses_c_nonce_still_works_and_is_not_recorded(client, holder, cred):
    grant = tokens(client, holder, cred)
    assert grant["c_nonce"] and not wallet.valid_nonce(grant["c_nonce"])  # the token's own, bound to it
    assert ask_credential(client, grant["access_token"], proof_with(Wallet(), grant["c_nonce"])).status_code == 200
    assert not SpentNonce.objects.exists()


def test_a_replayed_nonce_is_refused_with_a_fresh_one_that_works(client, holder, cred):
    """A key proof seen once (its nonce spent) cannot get a second credential with another token: invalid_nonce,
    and the error carries a fresh c_nonce (the wallet tries again at once)."""
    w = Wallet()
    first, second = tokens(client, holder, cred), tokens(client, holder, cred)
    body = proof_with(w, endpoint_nonce(client))
    assert ask_credential(client, first["access_token"], body).status_code == 200
    data = oauth_error(ask_credential(client, second["access_token"], body), 400, "invalid_nonce")
    assert wallet.valid_nonce(data["c_nonce"]) and data["c_nonce_expires_in"] == 300
    assert "no-store" in ask_credential(client, second["access_token"], body)["Cache-Control"]
    assert HolderCopy.objects.count() == 1
    assert WalletOffer.objects.filter(completed_at__isnull=True).count() == 1  # the second token is still good
    assert ask_credential(client, second["access_token"], proof_with(w, data["c_nonce"])).status_code == 200


def test_expired_foreign_and_made_up_nonces_are_invalid_nonce_and_leave_the_token_usable(clock, client, holder,
                                                                                         cred, settings):
    settings.BADGES_WALLET_TOKEN_SECONDS = 3600  # the token outlives the nonces here
    w = Wallet()
    grant = tokens(client, holder, cred)
    at = grant["access_token"]
    old, spent = endpoint_nonce(client), endpoint_nonce(client)
    wallet.spend_nonce(spent)
    clock.advance(seconds=wallet.nonce_lifetime().total_seconds())
    for nonce in (old, foreign_nonce(settings), spent, "made-up", "x" * 5000, old[:-1] + ("A" if old[-1] != "A" else "B")):
        data = oauth_error(ask_credential(client, at, proof_with(w, nonce)), 400, "invalid_nonce")
        assert wallet.valid_nonce(data["c_nonce"]) and data["c_nonce"] != nonce, nonce
    for payload in ({"nonce": None}, {"nonce": 12}, {"nonce": ""}, {"nonce": ["a"]}):
        jwt = w.proof(aud=services.base_url(), nonce="unused", payload=payload)
        data = oauth_error(ask_credential(client, at, request_body(jwt)), 400, "invalid_proof")  # no c_nonce at all
        assert wallet.valid_nonce(data["c_nonce"])
    data = oauth_error(ask_credential(client, at, {"credential_configuration_id": wallet.CONFIGURATION_ID}), 400,
                       "invalid_proof")
    assert wallet.valid_nonce(data["c_nonce"])
    assert "c_nonce" not in oauth_error(ask_credential(client, "forged", proof_with(w, old)), 401, "invalid_token")
    assert not HolderCopy.objects.exists()
    assert ask_credential(client, at, proof_with(w, endpoint_nonce(client))).status_code == 200


def test_a_nonce_is_not_spent_when_no_copy_could_be_signed(client, holder, cred, monkeypatch):
    w = Wallet()
    grant = tokens(client, holder, cred)
    body = proof_with(w, endpoint_nonce(client))
    real = services.signing_key

    def not_ready():
        raise services.KeyNotReady(timezone.now() + timedelta(seconds=90))

    monkeypatch.setattr(services, "signing_key", not_ready)
    oauth_error(ask_credential(client, grant["access_token"], body), 503, "credential_request_denied")
    assert not SpentNonce.objects.exists()
    monkeypatch.setattr(services, "signing_key", real)
    assert ask_credential(client, grant["access_token"], body).status_code == 200
    assert SpentNonce.objects.count() == 1


def test_the_openapi_documents_the_nonce_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths[NONCE] and CREDENTIAL in paths


@pytest.mark.django_db(transaction=True)
def test_two_tokens_racing_with_one_nonce_get_one_credential(student):
    """The unique key on the spent nonce decides between concurrent requests (services run: PostgreSQL)."""
    from django.db import connection

    from test_badges_key_races import run_at_once

    if connection.vendor == "sqlite":
        pytest.skip("needs a database with concurrent connections (services run)")
    cred = issue(student)
    offers = []
    for _ in range(4):
        offer = wallet.create_offer(cred)
        token = wallet.redeem_code(wallet.PRE_AUTHORIZED_GRANT, wallet.pre_authorized_code(offer))["access_token"]
        offers.append(wallet.authorised_offer(f"Bearer {token}"))
    w = Wallet()
    body = proof_with(w, wallet.fresh_nonce())
    lock = threading.Lock()
    queue = iter(offers)

    def one():
        with lock:
            offer = next(queue)
        return wallet.deliver(offer, json.loads(json.dumps(body)))

    results, errors = run_at_once(one)
    assert len(results) == 1 and len(errors) == 3, (results, errors)
    assert all(isinstance(e, wallet.WalletError) and e.error == "invalid_nonce" for e in errors), errors
    assert HolderCopy.objects.count() == 1 and SpentNonce.objects.count() == 1
    assert WalletOffer.objects.filter(completed_at__isnull=True).count() == 3  # the losers' tokens stay good
