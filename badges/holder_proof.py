"""The wallet's proof of its key, as OpenID for Verifiable Credential Issuance 1.0 (§F.1, the ``jwt`` proof type)
asks for it: a compact JWS with header ``typ: openid4vci-proof+jwt``, ``alg: EdDSA`` and either a ``kid`` that is a
``did:key`` (``did:key:z6Mk…#z6Mk…``) or a ``jwk`` (an Ed25519 OKP key); payload ``aud`` = the credential issuer,
``nonce`` = a ``c_nonce`` the issuer gave (the token endpoint's, or the nonce endpoint's: the caller decides which it
accepts), ``iat`` recent. Pure: no Django.

The holder is identified by a ``did:key`` in every case (a ``jwk`` becomes the ``did:key`` of the same key), and the
credential is bound to that DID (``credentialSubject.id``). ``did:key`` of an Ed25519 key: ``did:key:`` + its
Multikey ``publicKeyMultibase`` (``z`` + base58btc of 0xed01 + the 32 bytes), the fragment repeating it.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges import signing
from badges.contexts import DID_AUTH_CONTEXTS
from badges.jsonld import OfflineDocumentLoader
from lms.messages import MessageError, gettext_noop

PROOF_TYP = "openid4vci-proof+jwt"
ALG = "EdDSA"
MAX_JWT_CHARS = 8192  # a proof is a few hundred characters; anything far larger is refused before decoding
MAX_AGE_SECONDS = 300  # ``iat`` at most this old
MAX_SKEW_SECONDS = 60  # nor this far in the future (clocks disagree a little)
DID_KEY_PREFIX = "did:key:"
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
DID_AUTH_LOADER = OfflineDocumentLoader(DID_AUTH_CONTEXTS)  # VC 2.0's contexts and VC 1.1 / Ed25519Signature2020's


class ProofRejected(MessageError):
    """The proof is not acceptable; ``error`` is the OID4VCI error code (``invalid_proof`` or ``invalid_nonce``),
    ``message`` the reason (``lms.messages``: English in ``str()``, translated where it is shown)."""

    def __init__(self, error: str, template: str, **params):
        super().__init__(template, **params)
        self.error = error


@dataclass(frozen=True)
class HolderKey:
    did: str  # did:key of the proven key
    public_key: Ed25519PublicKey
    nonce: str = ""  # the nonce (OID4VCI) or challenge (DID authentication) the proof carried


def _b64url(part: str, what: str) -> bytes:
    if not _B64URL.fullmatch(part or ""):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's %(part)s is not base64url"), part=what)
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's %(part)s is not base64url"), part=what) from None


def _json_part(part: str, what: str) -> dict:
    try:
        value = json.loads(_b64url(part, what))
    except (UnicodeDecodeError, ValueError):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's %(part)s is not JSON"), part=what) from None
    if not isinstance(value, dict):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's %(part)s is not a JSON object"), part=what)
    return value


def did_key_of(public_key: Ed25519PublicKey | bytes) -> str:
    """The ``did:key`` of an Ed25519 public key."""
    return DID_KEY_PREFIX + signing.public_key_multibase(public_key)


def key_of_did(did: str) -> Ed25519PublicKey:
    """The Ed25519 key a ``did:key`` names; ``ProofRejected`` for anything else (another method, another key type)."""
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX) or len(did) > 200:
        raise ProofRejected("invalid_proof", gettext_noop("the key is not a did:key"))
    try:
        return signing.public_key_from_multibase(did[len(DID_KEY_PREFIX):])
    except (signing.MultibaseError, ValueError):
        raise ProofRejected("invalid_proof", gettext_noop("the did:key is not an Ed25519 key")) from None


def key_of_kid(kid) -> HolderKey:
    """``did:key:z…`` or ``did:key:z…#z…`` (the fragment, when present, must repeat the key)."""
    if not isinstance(kid, str):
        raise ProofRejected("invalid_proof", gettext_noop("kid must be a string"))
    did, sep, fragment = kid.partition("#")
    public_key = key_of_did(did)
    if sep and fragment != did[len(DID_KEY_PREFIX):]:
        raise ProofRejected("invalid_proof", gettext_noop("the kid's fragment does not name the did:key's own key"))
    return HolderKey(did, public_key)


def key_of_jwk(jwk) -> HolderKey:
    """An Ed25519 public JWK (``kty: OKP``, ``crv: Ed25519``, ``x``) and never a private one (``d``)."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
        raise ProofRejected("invalid_proof", gettext_noop("jwk must be a public Ed25519 OKP key"))
    x = _b64url(jwk.get("x") if isinstance(jwk.get("x"), str) else "", "jwk x")
    if len(x) != 32:
        raise ProofRejected("invalid_proof", gettext_noop("jwk x is not a 32-byte Ed25519 key"))
    public_key = Ed25519PublicKey.from_public_bytes(x)
    return HolderKey(did_key_of(x), public_key)


def verify_proof_jwt(jwt, *, audience: str, nonce: str | Callable[[str], bool], now: float) -> HolderKey:
    """Check a ``jwt`` key proof and return the holder's key, with the nonce it carried; ``ProofRejected`` with the
    reason otherwise. ``nonce``: the one nonce accepted, or a function that says whether a nonce is acceptable
    (``badges.wallet``: the token's ``c_nonce`` or a fresh one of the nonce endpoint). A proof without a nonce is an
    ``invalid_proof``, one with a nonce not accepted an ``invalid_nonce`` (OID4VCI 1.0 §8.3.1.2). ``now``: seconds
    since the epoch."""
    if not isinstance(jwt, str) or not jwt:
        raise ProofRejected("invalid_proof", gettext_noop("the proof's jwt is missing"))
    if len(jwt) > MAX_JWT_CHARS:
        raise ProofRejected("invalid_proof", gettext_noop("the proof's jwt is longer than %(limit)s characters"),
                            limit=MAX_JWT_CHARS)
    parts = jwt.split(".")
    if len(parts) != 3:
        raise ProofRejected("invalid_proof", gettext_noop("the proof's jwt is not a compact JWS (three parts)"))
    header, payload = _json_part(parts[0], "header"), _json_part(parts[1], "payload")
    signature = _b64url(parts[2], "signature")
    if header.get("typ") != PROOF_TYP:
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's typ must be %(typ)s"), typ=PROOF_TYP)
    if header.get("alg") != ALG:
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's alg must be %(alg)s (Ed25519)"), alg=ALG)
    if "crit" in header:
        raise ProofRejected("invalid_proof", gettext_noop("no critical header extension is understood"))
    if ("kid" in header) == ("jwk" in header):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's header names the key by exactly one of kid (a did:key) or jwk"))
    holder = key_of_kid(header["kid"]) if "kid" in header else key_of_jwk(header["jwk"])
    try:
        holder.public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's signature does not verify with the key it names")) from None
    aud = payload.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's aud must be the credential issuer %(issuer)s"),
                            issuer=audience)
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, (int, float)):
        raise ProofRejected("invalid_proof", gettext_noop("the JWT has no numeric iat"))
    if iat < now - MAX_AGE_SECONDS or iat > now + MAX_SKEW_SECONDS:
        raise ProofRejected("invalid_proof", gettext_noop("the JWT's iat is not recent"))
    claimed = payload.get("nonce")
    if not isinstance(claimed, str) or not claimed:
        raise ProofRejected("invalid_proof", gettext_noop("the JWT carries no nonce (a c_nonce of the issuer)"))
    if not (nonce(claimed) if callable(nonce) else same_nonce(claimed, nonce)):
        raise ProofRejected("invalid_nonce", gettext_noop("the JWT's nonce is not a valid c_nonce of this issuer: "
                                                          "unknown, expired or already used (ask the nonce endpoint "
                                                          "for a fresh one)"))
    return HolderKey(holder.did, holder.public_key, nonce=claimed)


def same_nonce(given, expected) -> bool:
    """``given`` is the nonce ``expected`` (compared in constant time; never equal to an empty one)."""
    if not isinstance(given, str) or not isinstance(expected, str) or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# ------------------------------------------------------------------------------------ DID authentication (VC-API)
VP_TYPE = "VerifiablePresentation"


def verify_did_auth(presentation, *, challenge: str, domain: str) -> HolderKey:
    """Check a DID authentication presentation (the W3C CCG VC-API exchange's answer to a ``DIDAuthentication``
    query): a ``VerifiablePresentation`` whose ``holder`` is a ``did:key``, carrying no credential, secured by one
    ``DataIntegrityProof`` (eddsa-rdfc-2022), or ``Ed25519Signature2020`` under VC 1.1 (what the Learner Credential
    Wallet signs with), for ``authentication`` by that very key, with the exchange's
    ``challenge`` and ``domain``. Returns the holder's key; ``ProofRejected`` (``invalid_proof`` or
    ``invalid_nonce`` for a wrong challenge) otherwise."""
    if not isinstance(presentation, dict):
        raise ProofRejected("invalid_proof", gettext_noop("the presentation is not a JSON object"))
    types = presentation.get("type")
    if VP_TYPE not in (types if isinstance(types, list) else [types]):
        raise ProofRejected("invalid_proof", gettext_noop("the presentation's type must include %(type)s"),
                            type=VP_TYPE)
    if "verifiableCredential" in presentation:
        raise ProofRejected("invalid_proof", gettext_noop("a DID authentication carries no credential"))
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    holder_key = HolderKey(holder, key_of_did(holder)) if isinstance(holder, str) and "#" not in holder else None
    if holder_key is None:
        raise ProofRejected("invalid_proof", gettext_noop("the presentation's holder must be a did:key"))
    proof = signing.single_proof(presentation)
    if proof is None:
        raise ProofRejected("invalid_proof", gettext_noop("the presentation must carry exactly one proof"))
    if proof.get("challenge") != challenge:
        raise ProofRejected("invalid_nonce", gettext_noop("the presentation's challenge is not the exchange's"))
    if proof.get("domain") != domain:
        raise ProofRejected("invalid_proof", gettext_noop("the presentation's domain must be %(domain)s"),
                            domain=domain)

    def holder_keys(method):
        try:
            return key_of_kid(method).public_key if str(method).partition("#")[0] == holder_key.did else None
        except ProofRejected:
            return None

    if proof.get("type") == signing.LEGACY_PROOF_TYPE:
        result = signing.verify_ed25519_signature_2020(presentation, holder_keys, expected_proof_purpose="authentication",
                                                       loader=DID_AUTH_LOADER)
    else:
        result = signing.verify_proof(presentation, holder_keys, expected_proof_purpose="authentication",
                                      loader=DID_AUTH_LOADER)
    if not result.verified:
        raise ProofRejected("invalid_proof", gettext_noop("the presentation's proof does not verify: %(reason)s"),
                            reason=result.detail)
    return holder_key
