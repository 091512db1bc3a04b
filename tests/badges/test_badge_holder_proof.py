"""badges.holder_proof: the wallet's jwt key proof (OID4VCI 1.0 §F.1), checked without Django."""
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges import holder_proof, signing
from wallet_testkit import Wallet, b64url

AUD = "https://academy.example.org"
NONCE = "n-0S6_WzA2Mj"


def check(jwt, **kw):
    return holder_proof.verify_proof_jwt(jwt, audience=kw.get("aud", AUD), nonce=kw.get("nonce", NONCE),
                                         now=kw.get("now", time.time()))


def rejected(jwt, **kw) -> holder_proof.ProofRejected:
    with pytest.raises(holder_proof.ProofRejected) as info:
        check(jwt, **kw)
    return info.value


def test_a_did_key_proof_gives_the_holder_did():
    w = Wallet()
    holder = check(w.proof(aud=AUD, nonce=NONCE))
    assert holder.did == w.did and w.did.startswith("did:key:z6Mk")


def test_a_jwk_proof_gives_the_did_key_of_that_key():
    w = Wallet()
    holder = check(w.proof(aud=AUD, nonce=NONCE, header={"kid": None, "jwk": w.jwk()}))
    assert holder.did == w.did


def test_the_did_key_round_trips():
    w = Wallet()
    assert signing.public_key_bytes(holder_proof.key_of_did(w.did)) == signing.public_key_bytes(w.key)


def test_signed_by_another_key_than_its_kid():
    w, thief = Wallet(), Ed25519PrivateKey.generate()
    assert rejected(w.proof(aud=AUD, nonce=NONCE, signer=thief)).error == "invalid_proof"


def test_a_jwk_and_a_signature_by_another_key():
    w, other = Wallet(), Wallet()
    jwt = w.proof(aud=AUD, nonce=NONCE, header={"kid": None, "jwk": other.jwk()})
    assert rejected(jwt).error == "invalid_proof"


@pytest.mark.parametrize("header, why", [
    ({"typ": "JWT"}, "typ"), ({"alg": "none"}, "alg"), ({"alg": "ES256"}, "alg"), ({"crit": ["x"]}, "critical"),
    ({"kid": None}, "exactly one"), ({"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}}, "exactly one"),
    ({"kid": "did:web:evil.example#key-1"}, "did:key"), ({"kid": "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"}, "Ed25519"),
])
def test_headers_refused(header, why):
    err = rejected(Wallet().proof(aud=AUD, nonce=NONCE, header=header))
    assert err.error == "invalid_proof" and why in str(err)


def test_a_kid_fragment_naming_another_key():
    w, other = Wallet(), Wallet()
    jwt = w.proof(aud=AUD, nonce=NONCE, header={"kid": f"{w.did}#{other.did[8:]}"})
    assert "fragment" in str(rejected(jwt))


def test_a_private_jwk_is_refused():
    w = Wallet()
    jwk = {**w.jwk(), "d": b64url(signing.private_key_bytes(w.key))}
    assert "public" in str(rejected(w.proof(aud=AUD, nonce=NONCE, header={"kid": None, "jwk": jwk})))


def test_wrong_audience_nonce_and_stale_iat():
    w = Wallet()
    assert "aud" in str(rejected(w.proof(aud="https://evil.example", nonce=NONCE)))
    assert check(w.proof(aud=[AUD, "https://other.example"], nonce=NONCE)).did == w.did
    assert rejected(w.proof(aud=AUD, nonce="guess")).error == "invalid_nonce"
    # no nonce at all is a malformed proof (OID4VCI 1.0: invalid_proof), a wrong one an invalid_nonce
    assert rejected(w.proof(aud=AUD, nonce=None)).error == "invalid_proof"
    assert rejected(w.proof(aud=AUD, nonce="")).error == "invalid_proof"
    assert rejected(w.proof(aud=AUD, nonce=7)).error == "invalid_proof"
    assert rejected(w.proof(aud=AUD, nonce=NONCE + "x")).error == "invalid_nonce"
    assert check(w.proof(aud=AUD, nonce=NONCE)).nonce == NONCE
    # or any nonce the caller accepts (badges.wallet: the token's c_nonce or one of the nonce endpoint)
    assert check(w.proof(aud=AUD, nonce="n2"), nonce=lambda n: n in ("n1", "n2")).nonce == "n2"
    assert rejected(w.proof(aud=AUD, nonce="n3"), nonce=lambda n: n in ("n1", "n2")).error == "invalid_nonce"
    now = time.time()
    assert "iat" in str(rejected(w.proof(aud=AUD, nonce=NONCE, iat=int(now) - 3600), now=now))
    assert "iat" in str(rejected(w.proof(aud=AUD, nonce=NONCE, iat=int(now) + 3600), now=now))
    assert "iat" in str(rejected(w.proof(aud=AUD, nonce=NONCE, iat="yesterday")))
    assert "iat" in str(rejected(w.proof(aud=AUD, nonce=NONCE, iat=True)))


@pytest.mark.parametrize("jwt", [
    None, "", "a.b", "a.b.c.d", "!!!.###.$$$", "e30.e30.", "W10.e30.AA", "bm90IGpzb24.e30.AA",
    "x" * (holder_proof.MAX_JWT_CHARS + 1), 42, {"jwt": "x"},
])
def test_garbage(jwt):
    assert rejected(jwt).error == "invalid_proof"


def test_a_changed_payload_breaks_the_signature():
    w = Wallet()
    head, _body, sig = w.proof(aud=AUD, nonce=NONCE).split(".")
    forged = b64url(('{"aud": "%s", "nonce": "%s", "iat": %d}' % (AUD, NONCE, int(time.time()) + 1)).encode())
    assert "signature" in str(rejected(f"{head}.{forged}.{sig}"))


# ------------------------------------------------------------------------------------ DID authentication (VC-API)
CHALLENGE, DOMAIN = "c-123", "https://academy.example.org"


def vp_2020(w, *, challenge=CHALLENGE, domain=DOMAIN, purpose="authentication", signer=None, holder=None):
    """A VC 1.1 presentation with an Ed25519Signature2020 proof, signed the way jsonld-signatures does (the node test
    has Digital Bazaar's own library sign one against the live server)."""
    from badges.contexts import ED25519_2020_V1, VC_V1

    vp = {"@context": [VC_V1, ED25519_2020_V1], "type": ["VerifiablePresentation"], "holder": holder or w.did}
    proof = {"type": "Ed25519Signature2020", "created": "2026-12-01T03:00:00Z", "verificationMethod": w.kid,
             "proofPurpose": purpose, "challenge": challenge, "domain": domain}
    inputs = signing._canonical_inputs(vp, proof, holder_proof.DID_AUTH_LOADER, signing.DEFAULT_LIMITS)
    proof["proofValue"] = signing.multibase_encode((signer or w.key).sign(inputs.hash_data))
    return {**vp, "proof": proof}


def did_auth_rejected(vp, **kw) -> holder_proof.ProofRejected:
    with pytest.raises(holder_proof.ProofRejected) as info:
        holder_proof.verify_did_auth(vp, challenge=kw.get("challenge", CHALLENGE), domain=DOMAIN)
    return info.value


def test_an_ed25519_signature_2020_authentication():
    w = Wallet()
    assert holder_proof.verify_did_auth(vp_2020(w), challenge=CHALLENGE, domain=DOMAIN).did == w.did
    assert did_auth_rejected(vp_2020(w, signer=Ed25519PrivateKey.generate())).error == "invalid_proof"
    assert did_auth_rejected(vp_2020(w, purpose="assertionMethod")).error == "invalid_proof"
    assert did_auth_rejected(vp_2020(w, holder=Wallet().did)).error == "invalid_proof"
    assert did_auth_rejected(vp_2020(w), challenge="other").error == "invalid_nonce"
    changed = vp_2020(w)
    changed["type"] = ["VerifiablePresentation", "Other"]  # a term no context defines: refused, never dropped
    assert did_auth_rejected(changed).error == "invalid_proof"
    for value in ("zz", "u" + "A" * 86, None, "z" + signing.base58btc_encode(b"\0" * 63)):
        bad = vp_2020(w)
        bad["proof"]["proofValue"] = value
        assert did_auth_rejected(bad).error == "invalid_proof"
    unknown_context = vp_2020(w)
    unknown_context["@context"] = [*unknown_context["@context"], "https://evil.example/context"]
    assert did_auth_rejected(unknown_context).error == "invalid_proof"
