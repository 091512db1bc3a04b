"""Ed25519 keys, multibase, and the Data Integrity ``eddsa-rdfc-2022`` cryptosuite.

Pure Python, no Django. Implements W3C "Data Integrity EdDSA Cryptosuites v1.0", section 3.3
(eddsa-rdfc-2022): the proof configuration is the proof options with the document's
``@context``; both it and the document are canonicalized with RDFC-1.0 (``badges.jsonld``, in
safe mode, offline); ``hashData = SHA-256(canonical proof config) || SHA-256(canonical
document)``; the Ed25519 signature of ``hashData`` is the ``proofValue``, multibase base58btc.

``create_proof`` / ``sign_document`` raise on bad input: the issuer must fix its document.
``verify_proof`` never raises; it returns a ``ProofResult``.

Private keys at rest: ``encrypt_private_key`` / ``decrypt_private_key`` (AES-256-GCM, the key
derived from the key-encryption-key string with HKDF-SHA-256 and a random salt per blob).
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Union

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from badges import jsonld
from badges.jsonld import DEFAULT_LIMITS, PRODUCTION_LOADER, Limits, OfflineDocumentLoader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_PUB_HEADER = b"\xed\x01"  # multicodec ed25519-pub (0xed), varint
ED25519_PRIV_HEADER = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint

# ------------------------------------------------------------------------------ multibase
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


class MultibaseError(ValueError):
    """A malformed or unsupported multibase / multikey value."""


def base58btc_encode(data: bytes) -> str:
    """Bitcoin base58 (no checksum); each leading zero byte becomes a '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    return "1" * zeros + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    """Inverse of ``base58btc_encode``; raises ``MultibaseError`` on a foreign character."""
    if len(text) > 4096:
        raise MultibaseError("base58 value too long")
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise MultibaseError(f"not a base58btc character: {ch!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes, base: str = "base58btc") -> str:
    """``z`` + base58btc, or ``u`` + base64url without padding."""
    if base == "base58btc":
        return "z" + base58btc_encode(data)
    if base == "base64url":
        return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    raise MultibaseError(f"unsupported multibase encoding {base!r}")


def multibase_decode(value: str) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url, no padding) multibase string."""
    if not isinstance(value, str) or len(value) < 1:
        raise MultibaseError("multibase value must be a non-empty string")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        if "=" in body or not re.fullmatch(r"[A-Za-z0-9_-]*", body):
            raise MultibaseError("invalid base64url (no padding) value")
        try:
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError as exc:
            raise MultibaseError(str(exc)) from exc
    raise MultibaseError(f"unsupported multibase prefix {prefix!r}")


# ------------------------------------------------------------------------------ Ed25519 keys
PublicKeyLike = Union[Ed25519PublicKey, bytes, str]


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte seed."""
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def private_key_from_bytes(raw: bytes) -> Ed25519PrivateKey:
    if len(raw) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_bytes(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key (of a public key, or of a private key's public half)."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_multibase(key: Ed25519PublicKey | Ed25519PrivateKey | bytes) -> str:
    """Multikey ``publicKeyMultibase``: 'z' + base58btc(0xed 0x01 + 32-byte key), 'z6Mk…'."""
    raw = key if isinstance(key, bytes) else public_key_bytes(key)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return multibase_encode(ED25519_PUB_HEADER + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Parse an Ed25519 Multikey ``publicKeyMultibase``; ``MultibaseError`` if it is not one."""
    data = multibase_decode(value)
    if not value.startswith("z") or data[:2] != ED25519_PUB_HEADER or len(data) != 34:
        raise MultibaseError("not an Ed25519 publicKeyMultibase (z + base58btc of 0xed01 + 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_multibase(private_key: Ed25519PrivateKey) -> str:
    """Multikey ``secretKeyMultibase``: 'z' + base58btc(0x80 0x26 + 32-byte seed)."""
    return multibase_encode(ED25519_PRIV_HEADER + private_key_bytes(private_key))


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    data = multibase_decode(value)
    if data[:2] != ED25519_PRIV_HEADER or len(data) != 34:
        raise MultibaseError("not an Ed25519 secretKeyMultibase (0x8026 + 32 bytes)")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def _as_public_key(key: PublicKeyLike) -> Ed25519PublicKey:
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, (bytes, bytearray)):
        if len(key) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return Ed25519PublicKey.from_public_bytes(bytes(key))
    if isinstance(key, str):
        return public_key_from_multibase(key)
    raise TypeError(f"not a public key: {type(key).__name__}")


# ------------------------------------------------------------------------------ eddsa-rdfc-2022
class ProofError(ValueError):
    """Proof options that the cryptosuite refuses (PROOF_GENERATION_ERROR)."""


_DATETIME = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)


def is_xsd_datetime(value: Any) -> bool:
    """True for an XML Schema 1.1 dateTime such as '2023-02-24T23:36:38Z'."""
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def now_xsd() -> str:
    """The current UTC time as an XML Schema dateTimeStamp, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class HashInputs:
    """The intermediate values of the cryptosuite, exposed for tests and diagnostics."""

    canonical_document: str
    canonical_proof_config: str

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document.encode("utf-8")).digest()

    @property
    def proof_config_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config.encode("utf-8")).digest()

    @property
    def hash_data(self) -> bytes:
        return self.proof_config_hash + self.document_hash


def _check_options(options: Mapping[str, Any]) -> None:
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"proof must be type {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    if "created" in options and not is_xsd_datetime(options["created"]):
        raise ProofError("proof 'created' is not an XML Schema dateTime")
    if not isinstance(options.get("verificationMethod"), str):
        raise ProofError("proof 'verificationMethod' must be a string")
    if not isinstance(options.get("proofPurpose"), str):
        raise ProofError("proof 'proofPurpose' must be a string")


def hash_inputs(
    unsecured_document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    loader: OfflineDocumentLoader = PRODUCTION_LOADER,
    limits: Limits = DEFAULT_LIMITS,
) -> HashInputs:
    """Transformation + proof configuration (spec 3.3.3 and 3.3.5) of a document and options.

    ``proof_options`` must not contain ``proofValue``; its ``@context``, if any, is replaced
    by the document's. Raises ``ProofError`` or a ``badges.jsonld`` error.
    """
    if not isinstance(unsecured_document, Mapping) or "@context" not in unsecured_document:
        raise ProofError("the document must be a JSON object with an @context")
    if "proof" in unsecured_document:
        raise ProofError("the document already carries a proof")
    _check_options(proof_options)
    return _canonical_inputs(unsecured_document, proof_options, loader, limits)


def proof_signature(proof_value: Any) -> bytes:
    """The 64-byte Ed25519 signature of a ``z`` (base58btc) ``proofValue``, as both suites write it;
    MultibaseError with the reason otherwise."""
    signature = multibase_decode(proof_value)
    if not proof_value.startswith("z") or len(signature) != 64:
        raise MultibaseError("proofValue is not a base58btc 64-byte signature")
    return signature


def _canonical_inputs(unsecured_document, proof_options, loader, limits) -> HashInputs:
    """RDFC-1.0 of the document and of the proof options under the document's ``@context``."""
    config = {k: v for k, v in proof_options.items() if k not in ("proofValue", "@context")}
    budget = jsonld.Budget(limits)  # one work and CPU-time budget for both canonicalizations
    canonical_document = jsonld.canonicalize(dict(unsecured_document), loader, limits, budget)
    canonical_config = _usual_config(config, unsecured_document["@context"], loader)
    if canonical_config is None:
        config["@context"] = copy.deepcopy(unsecured_document["@context"])
        canonical_config = jsonld.canonicalize(config, loader, limits, budget)
    return HashInputs(canonical_document=canonical_document, canonical_proof_config=canonical_config)


# The proof configuration of the usual shape (exactly a type, a cryptosuite, a date, a DID key and a purpose, under a
# context of URLs) canonicalises to the same five N-Quads whatever its date and key: one blank node (always _:c14n0),
# one quad per property, their order set by the properties (code point order of the lines). It is canonicalised once
# per context, type, suite and purpose, with placeholders, and the date and the key are put in their place: a tenth
# of the work of a verification. Values outside these patterns (what JSON-LD would expand, escape or refuse), or a
# context where the placeholders do not come out verbatim (one that defines "did" as a prefix, say), take the full
# canonicalisation; off inside ``jsonld.reference_path()``, which the tests compare with.
_USUAL_KEYS = frozenset({"type", "cryptosuite", "created", "verificationMethod", "proofPurpose"})
_USUAL_CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")
_USUAL_METHOD = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._%:-]+#[A-Za-z0-9._-]+")
_PLACEHOLDER_CREATED = "2000-01-01T00:00:00Z"
_PLACEHOLDER_METHOD = "did:example:placeholder#key-0"
_XSD_DATETIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"


def _usual_config(config: dict, context: Any, loader) -> str | None:
    """The canonical N-Quads of a proof configuration of the usual shape, from its template; None otherwise."""
    if not jsonld.fast_paths() or config.keys() != _USUAL_KEYS:
        return None
    created, method = config["created"], config["verificationMethod"]
    contexts = context if isinstance(context, list) else [context]
    if not (isinstance(created, str) and _USUAL_CREATED.fullmatch(created) and isinstance(method, str)
            and _USUAL_METHOD.fullmatch(method) and all(isinstance(c, str) for c in contexts)
            and all(isinstance(config[k], str) for k in ("type", "cryptosuite", "proofPurpose"))):
        return None
    template = _config_template(tuple(contexts), isinstance(context, list), config["type"], config["cryptosuite"],
                                config["proofPurpose"], loader)
    if template is None:
        return None
    return template.replace(f'"{_PLACEHOLDER_CREATED}"^^{_XSD_DATETIME}', f'"{created}"^^{_XSD_DATETIME}').replace(
        f"<{_PLACEHOLDER_METHOD}>", f"<{method}>")


@functools.lru_cache(maxsize=64)
def _config_template(contexts: tuple, as_list: bool, proof_type: str, suite: str, purpose: str, loader) -> str | None:
    config = {"@context": list(contexts) if as_list else contexts[0], "type": proof_type, "cryptosuite": suite,
              "created": _PLACEHOLDER_CREATED, "verificationMethod": _PLACEHOLDER_METHOD, "proofPurpose": purpose}
    try:
        out = jsonld.canonicalize(config, loader)
    except Exception:  # noqa: BLE001 - the full canonicalisation reports it
        return None
    lines = out.splitlines()
    if (len(lines) != len(_USUAL_KEYS) or {line.split(" ", 1)[0] for line in lines} != {"_:c14n0"}
            or out.count(f'"{_PLACEHOLDER_CREATED}"^^{_XSD_DATETIME}') != 1
            or out.count(f"<{_PLACEHOLDER_METHOD}>") != 1 or out.count(_PLACEHOLDER_METHOD) != 1):
        return None
    return out


LEGACY_PROOF_TYPE = "Ed25519Signature2020"


def verify_ed25519_signature_2020(
    secured_document: Any, public_key: KeyResolver, *, expected_proof_purpose: str,
    loader: OfflineDocumentLoader, limits: Limits = DEFAULT_LIMITS,
) -> ProofResult:
    """Verify an ``Ed25519Signature2020`` proof (W3C CCG, the suite eddsa-rdfc-2022 replaced, still what some wallets
    sign their DID authentication with): the same hash data (SHA-256 of the RDFC-1.0 proof options under the
    document's ``@context``, then of the document without its proof) signed by Ed25519, a ``z`` base58btc
    ``proofValue``; no ``cryptosuite``. Only a holder's authentication is accepted this way (``badges.holder_proof``),
    never a credential. ``public_key``: a resolver of the ``verificationMethod``. Never raises."""
    proof: Any = None
    try:
        if not isinstance(secured_document, dict) or not isinstance(secured_document.get("@context"), (str, list)):
            return _fail("malformed", "the document is not a JSON object with an @context")
        proof = secured_document.get("proof")
        if not isinstance(proof, dict) or proof.get("type") != LEGACY_PROOF_TYPE:
            return _fail("unsupported_proof", f"expected one {LEGACY_PROOF_TYPE} proof", proof)
        if "created" in proof and not is_xsd_datetime(proof["created"]):
            return _fail("invalid_proof_options", "proof 'created' is not an XML Schema dateTime", proof)
        method, value = proof.get("verificationMethod"), proof.get("proofValue")
        if not isinstance(method, str) or proof.get("proofPurpose") != expected_proof_purpose:
            return _fail("proof_purpose", f"expected a verificationMethod and the purpose {expected_proof_purpose!r}",
                         proof)
        try:
            signature = proof_signature(value)
        except MultibaseError as exc:
            return _fail("invalid_proof_value", str(exc), proof)
        key_like = public_key(method)
        if key_like is None:
            return _fail("unknown_verification_method", f"verification method {method!r} not accepted", proof)
        unsecured = {k: v for k, v in secured_document.items() if k != "proof"}
        try:
            inputs = _canonical_inputs(unsecured, proof, loader, limits)
        except jsonld.CredentialJsonLdError as exc:
            return _jsonld_failure(exc, proof)
        try:
            _as_public_key(key_like).verify(signature, inputs.hash_data)
        except InvalidSignature:
            return _fail("invalid_signature", "the signature does not match the document", proof)
        return ProofResult(verified=True, verification_method=method, proof_purpose=proof["proofPurpose"],
                           created=proof.get("created"), proof=proof)
    except Exception as exc:  # noqa: BLE001 - verification must never raise on bad input
        return _fail("internal_error", f"{type(exc).__name__}: {exc}", proof)


def create_proof(
    unsecured_document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: str | None = None,
    proof_purpose: str = "assertionMethod",
    extra: Mapping[str, Any] | None = None,
    loader: OfflineDocumentLoader = PRODUCTION_LOADER,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Create an eddsa-rdfc-2022 ``DataIntegrityProof`` for the document (spec 3.3.1).

    ``created`` defaults to now (UTC, seconds). ``extra`` adds optional proof options
    (``expires``, ``domain``, ``challenge``, ``nonce``, ``id``). Raises ``ProofError`` or a
    ``badges.jsonld.CredentialJsonLdError`` (e.g. ``UndefinedTermError``): nothing unsafe is signed.
    """
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created or now_xsd(),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    for key, value in (extra or {}).items():
        if key in proof or key in ("proofValue", "@context"):
            raise ProofError(f"proof option {key!r} cannot be set through 'extra'")
        proof[key] = value
    inputs = hash_inputs(unsecured_document, proof, loader, limits)
    proof["proofValue"] = multibase_encode(private_key.sign(inputs.hash_data))
    return proof


def sign_document(
    unsecured_document: Mapping[str, Any], private_key: Ed25519PrivateKey, *, proof_set: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """A copy of the document with ``proof`` added (``create_proof``'s keyword arguments).

    ``proof_set``: ``proof`` is an array of the one proof (what the Open Badges 3.0 AchievementCredential JSON
    Schema requires); else the single proof object (the W3C test vectors' form). Both verify alike."""
    secured = copy.deepcopy(dict(unsecured_document))
    proof = create_proof(unsecured_document, private_key, **kwargs)
    secured["proof"] = [proof] if proof_set else proof
    return secured


def single_proof(secured_document: Any) -> dict[str, Any] | None:
    """The one embedded proof of a secured document, whether ``proof`` is that object or an array of exactly
    it; None when there is none, several, or something else."""
    proof = secured_document.get("proof") if isinstance(secured_document, Mapping) else None
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    return proof if isinstance(proof, dict) else None


KeyResolver = Callable[[str], Union[PublicKeyLike, None]]


@dataclass(frozen=True)
class ProofResult:
    """Outcome of ``verify_proof``. ``error`` is a stable code, ``detail`` a human sentence.

    Codes: ``malformed`` (not a secured document), ``unsupported_proof`` (type/cryptosuite),
    ``invalid_proof_options``, ``proof_purpose``, ``context_mismatch``, ``context_not_bundled``,
    ``undefined_term``, ``unsafe_document``, ``limit_exceeded``, ``invalid_jsonld``,
    ``unknown_verification_method``, ``invalid_key``, ``invalid_proof_value``,
    ``invalid_signature``, ``internal_error``.
    """

    verified: bool
    error: str | None = None
    detail: str = ""
    verification_method: str | None = None
    proof_purpose: str | None = None
    created: str | None = None
    proof: dict[str, Any] | None = field(default=None, repr=False)


def _fail(code: str, detail: str, proof: Any = None) -> ProofResult:
    p = proof if isinstance(proof, dict) else {}
    vm, purpose, created = (p.get(k) for k in ("verificationMethod", "proofPurpose", "created"))
    return ProofResult(
        verified=False, error=code, detail=detail,
        verification_method=vm if isinstance(vm, str) else None,
        proof_purpose=purpose if isinstance(purpose, str) else None,
        created=created if isinstance(created, str) else None,
        proof=p or None,
    )


def _jsonld_failure(exc: jsonld.CredentialJsonLdError, proof: Any) -> ProofResult:
    code = {
        jsonld.ContextNotBundledError: "context_not_bundled",
        jsonld.UndefinedTermError: "undefined_term",
        jsonld.UnsafeDocumentError: "unsafe_document",
        jsonld.DocumentLimitError: "limit_exceeded",
    }.get(type(exc), "invalid_jsonld")
    return _fail(code, str(exc), proof)


def verify_proof(
    secured_document: Any,
    public_key: PublicKeyLike | KeyResolver,
    *,
    expected_proof_purpose: str = "assertionMethod",
    loader: OfflineDocumentLoader = PRODUCTION_LOADER,
    limits: Limits = DEFAULT_LIMITS,
) -> ProofResult:
    """Verify the single eddsa-rdfc-2022 proof of a secured document (spec 3.3.2).

    ``public_key`` is the key (``Ed25519PublicKey``, 32 raw bytes or ``publicKeyMultibase``) or a
    resolver called with the proof's ``verificationMethod`` that returns the key, or None when
    the method is unknown or not authorised (the caller checks the DID document and the issuer
    there). Never raises.
    """
    proof: Any = None
    try:
        if not isinstance(secured_document, dict):
            return _fail("malformed", "the credential is not a JSON object")
        proof = single_proof(secured_document)
        if proof is None:
            return _fail("malformed", "expected exactly one proof object")
        if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
            return _fail("unsupported_proof",
                         f"proof is not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}", proof)
        proof_value = proof.get("proofValue")
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        try:
            _check_options(options)
        except ProofError as exc:
            return _fail("invalid_proof_options", str(exc), proof)
        if proof["proofPurpose"] != expected_proof_purpose:
            return _fail("proof_purpose",
                         f"proof purpose {proof['proofPurpose']!r}, expected {expected_proof_purpose!r}",
                         proof)
        unsecured = {k: v for k, v in secured_document.items() if k != "proof"}
        if "@context" in options:
            # Data Integrity: the document's @context must start with the proof's, in order.
            pctx, dctx = options["@context"], unsecured.get("@context")
            pctx = pctx if isinstance(pctx, list) else [pctx]
            dlist = dctx if isinstance(dctx, list) else [dctx]
            if dlist[: len(pctx)] != pctx:
                return _fail("context_mismatch", "proof @context is not a prefix of the document's", proof)
            unsecured["@context"] = options["@context"]
        try:
            signature = proof_signature(proof_value)
        except MultibaseError as exc:
            return _fail("invalid_proof_value", str(exc), proof)

        key_like = public_key(proof["verificationMethod"]) if callable(public_key) else public_key
        if key_like is None:
            return _fail("unknown_verification_method",
                         f"verification method {proof['verificationMethod']!r} not accepted", proof)
        try:
            key = _as_public_key(key_like)
        except (ValueError, TypeError) as exc:
            return _fail("invalid_key", str(exc), proof)

        try:
            inputs = hash_inputs(unsecured, options, loader, limits)
        except jsonld.CredentialJsonLdError as exc:
            return _jsonld_failure(exc, proof)
        except ProofError as exc:
            return _fail("malformed", str(exc), proof)
        try:
            key.verify(signature, inputs.hash_data)
        except InvalidSignature:
            return _fail("invalid_signature", "the signature does not match the document", proof)
        return ProofResult(
            verified=True,
            verification_method=proof["verificationMethod"],
            proof_purpose=proof["proofPurpose"],
            created=proof.get("created"),
            proof=proof,
        )
    except Exception as exc:  # noqa: BLE001 - verification must never raise on bad input
        return _fail("internal_error", f"{type(exc).__name__}: {exc}", proof)


# ------------------------------------------------------------------------------ keys at rest
_KEK_INFO = b"flow-stage-academy/badges/private-key-kek/v1"
_TOKEN_PREFIX = "fsk1."
MIN_KEK_LENGTH = 16


class KeyDecryptionError(ValueError):
    """Wrong key-encryption key, wrong associated data, or a damaged blob."""


def _derive(kek: str, salt: bytes) -> bytes:
    if not isinstance(kek, str) or len(kek) < MIN_KEK_LENGTH:
        raise ValueError(f"the key-encryption key must be a string of at least {MIN_KEK_LENGTH} characters")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_KEK_INFO).derive(
        kek.encode("utf-8")
    )


def encrypt_private_key(private_key: Ed25519PrivateKey, kek: str, *, aad: bytes = b"") -> str:
    """Encrypt the raw private key with AES-256-GCM under a key derived from ``kek``.

    Returns ``'fsk1.' + base64url(salt16 || nonce12 || ciphertext+tag)``. Pass the key's
    identifier as ``aad`` to bind the blob to its database row. The KEK must be a high-entropy
    secret (HKDF does not stretch a password).
    """
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(kek, salt)).encrypt(nonce, private_key_bytes(private_key), aad)
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(salt + nonce + sealed).decode("ascii")


def decrypt_private_key(token: str, kek: str, *, aad: bytes = b"") -> Ed25519PrivateKey:
    """Inverse of ``encrypt_private_key``; raises ``KeyDecryptionError`` on any mismatch."""
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        raise KeyDecryptionError("not an encrypted private key")
    try:
        blob = base64.b64decode(token[len(_TOKEN_PREFIX):], altchars=b"-_", validate=True)
    except ValueError as exc:
        raise KeyDecryptionError("damaged encrypted private key") from exc
    if len(blob) != 16 + 12 + 32 + 16:
        raise KeyDecryptionError("damaged encrypted private key")
    salt, nonce, sealed = blob[:16], blob[16:28], blob[28:]
    try:
        raw = AESGCM(_derive(kek, salt)).decrypt(nonce, sealed, aad)
    except InvalidTag as exc:
        raise KeyDecryptionError("wrong key-encryption key or damaged blob") from exc
    return Ed25519PrivateKey.from_private_bytes(raw)
