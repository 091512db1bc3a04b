"""A minimal wallet in Python for the tests of badges.wallet: an Ed25519 did:key and its OID4VCI jwt key proofs."""
import base64
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges import holder_proof, signing
from badges_testkit import issue


@pytest.fixture
def holder(student):
    return student


@pytest.fixture
def cred(holder):
    return issue(holder)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Wallet:
    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        self.did = holder_proof.did_key_of(signing.public_key_bytes(self.key))
        self.kid = f"{self.did}#{self.did[len('did:key:'):]}"

    def jwk(self) -> dict:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(signing.public_key_bytes(self.key))}

    def proof(self, *, aud, nonce, iat=None, header=None, payload=None, signer=None) -> str:
        head = {"typ": holder_proof.PROOF_TYP, "alg": "EdDSA", "kid": self.kid, **(header or {})}
        head = {k: v for k, v in head.items() if v is not None}
        body = {"aud": aud, "nonce": nonce, "iat": int(time.time()) if iat is None else iat, **(payload or {})}
        signing_input = f"{b64url(json.dumps(head).encode())}.{b64url(json.dumps(body).encode())}"
        return f"{signing_input}.{b64url((signer or self.key).sign(signing_input.encode()))}"


def did_auth(wallet: "Wallet", *, challenge, domain, holder=None, purpose="authentication", signer=None,
             extra=None) -> dict:
    """The wallet's DID authentication presentation (VC-API exchange), signed with eddsa-rdfc-2022."""
    from badges.contexts import VC_V2

    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": holder or wallet.did, **(extra or {})}
    options = {k: v for k, v in {"challenge": challenge, "domain": domain}.items() if v is not None}
    return signing.sign_document(vp, signer or wallet.key, verification_method=wallet.kid, proof_purpose=purpose,
                                 extra=options)


def take_badge(cred, w: "Wallet | None" = None):
    """The holder's wallet ``w`` (a new one by default) takes ``cred`` by OpenID for VCI, through the use cases of
    badges.wallet (no HTTP): offer, token, key proof with the token's c_nonce. Returns (the HolderCopy, the wallet)."""
    from badges import services, wallet
    from badges.models import HolderCopy

    w = w or Wallet()
    offer = wallet.create_offer(cred)
    grant = wallet.redeem_code(wallet.PRE_AUTHORIZED_GRANT, wallet.pre_authorized_code(offer))
    offer = wallet.authorised_offer(f"Bearer {grant['access_token']}")
    wallet.deliver(offer, {"credential_configuration_id": wallet.CONFIGURATION_ID, "proof": {
        "proof_type": "jwt", "jwt": w.proof(aud=services.base_url(), nonce=grant["c_nonce"])}})
    return HolderCopy.objects.get(offer=offer), w
