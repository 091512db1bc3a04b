"""Keys, multibase, eddsa-rdfc-2022 sign/verify and private keys at rest (``badges.signing``)."""

import copy
import os

import pytest

from badges import signing
from badges.jsonld import UndefinedTermError

VM = "did:web:academy.example.org#key-2026-01"


@pytest.fixture(scope="module")
def key():
    return signing.generate_private_key()


def sign(doc, key, **kwargs):
    kwargs.setdefault("verification_method", VM)
    kwargs.setdefault("created", "2026-06-30T12:00:00Z")
    return signing.sign_document(doc, key, **kwargs)


# ------------------------------------------------------------------ base58 / multibase
@pytest.mark.parametrize(
    "raw, text",
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\x01", "112"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
    ],
)
def test_base58btc_known_values(raw, text):
    assert signing.base58btc_encode(raw) == text
    assert signing.base58btc_decode(text) == raw


def test_base58btc_round_trip_random():
    for size in (1, 2, 31, 32, 34, 64):
        data = os.urandom(size)
        assert signing.base58btc_decode(signing.base58btc_encode(data)) == data


@pytest.mark.parametrize("bad", ["z0OIl", "", "x123", "zAbc+", 7, "u=="])
def test_multibase_decode_rejects(bad):
    with pytest.raises(signing.MultibaseError):
        signing.multibase_decode(bad)


def test_multibase_base64url():
    assert signing.multibase_encode(b"\xfb\xff", "base64url") == "u-_8"
    assert signing.multibase_decode("u-_8") == b"\xfb\xff"


def test_public_key_multibase_shape(key):
    value = signing.public_key_multibase(key)
    assert value.startswith("z6Mk")
    decoded = signing.multibase_decode(value)
    assert decoded[:2] == b"\xed\x01" and decoded[2:] == signing.public_key_bytes(key)
    assert signing.public_key_bytes(signing.public_key_from_multibase(value)) == decoded[2:]


def test_public_key_from_multibase_rejects_other_key_types():
    p256 = "zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"
    with pytest.raises(signing.MultibaseError):
        signing.public_key_from_multibase(p256)


def test_raw_key_round_trip(key):
    again = signing.private_key_from_bytes(signing.private_key_bytes(key))
    assert signing.public_key_bytes(again) == signing.public_key_bytes(key)


# ------------------------------------------------------------------ sign / verify
def test_sign_verify_round_trip(ob_credential, key):
    signed = sign(ob_credential, key)
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofValue"].startswith("z")
    assert "@context" not in proof
    result = signing.verify_proof(signed, signing.public_key_multibase(key))
    assert result.verified and result.error is None
    assert result.verification_method == VM and result.proof_purpose == "assertionMethod"
    assert result.created == "2026-06-30T12:00:00Z"


@pytest.mark.parametrize("form", ["object", "bytes", "multibase", "resolver"])
def test_verify_accepts_each_key_form(ob_credential, key, form):
    signed = sign(ob_credential, key)
    public = key.public_key()
    given = {
        "object": public,
        "bytes": signing.public_key_bytes(public),
        "multibase": signing.public_key_multibase(public),
        "resolver": lambda vm: public if vm == VM else None,
    }[form]
    assert signing.verify_proof(signed, given).verified


def test_default_created_is_now(ob_credential, key):
    proof = signing.create_proof(ob_credential, key, verification_method=VM)
    assert signing.is_xsd_datetime(proof["created"]) and proof["created"].endswith("Z")


def test_extra_proof_options_are_signed(ob_credential, key):
    signed = sign(ob_credential, key, extra={"expires": "2030-01-01T00:00:00Z"})
    assert signing.verify_proof(signed, key.public_key()).verified
    signed["proof"]["expires"] = "2031-01-01T00:00:00Z"
    assert signing.verify_proof(signed, key.public_key()).error == "invalid_signature"


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))
    else:
        yield path


def _set(doc, path, value):
    for part in path[:-1]:
        doc = doc[part]
    doc[path[-1]] = value


def _get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


def test_tampering_with_any_single_field_fails(ob_credential, key):
    signed = sign(ob_credential, key)
    public = key.public_key()
    paths = [p for p in _leaves(signed) if p != ("proof", "proofValue")]
    assert len(paths) > 30
    for path in paths:
        tampered = copy.deepcopy(signed)
        old = _get(tampered, path)
        new = old.replace("0", "1") + "1" if isinstance(old, str) else "x"
        if str(path[-1]) == "created" or str(path[-1]).startswith("valid"):
            new = "2027-01-01T00:00:00Z"
        _set(tampered, path, new)
        result = signing.verify_proof(tampered, public)
        assert not result.verified, path
        assert result.error, path


def test_removing_a_field_fails(ob_credential, key):
    signed = sign(ob_credential, key)
    for field in ("validUntil", "credentialStatus", "name"):
        tampered = copy.deepcopy(signed)
        del tampered[field]
        assert signing.verify_proof(tampered, key.public_key()).error == "invalid_signature"


def test_proof_copied_from_another_document_fails(ob_credential, key):
    signed = sign(ob_credential, key)
    other = copy.deepcopy(ob_credential)
    other["credentialSubject"]["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    other["proof"] = copy.deepcopy(signed["proof"])
    result = signing.verify_proof(other, key.public_key())
    assert not result.verified and result.error == "invalid_signature"


def test_wrong_key_fails(ob_credential, key):
    signed = sign(ob_credential, key)
    result = signing.verify_proof(signed, signing.generate_private_key().public_key())
    assert result.error == "invalid_signature"


def test_unknown_verification_method(ob_credential, key):
    signed = sign(ob_credential, key)
    result = signing.verify_proof(signed, lambda vm: None)
    assert result.error == "unknown_verification_method"


def test_wrong_proof_purpose(ob_credential, key):
    signed = sign(ob_credential, key, proof_purpose="authentication")
    assert signing.verify_proof(signed, key.public_key()).error == "proof_purpose"
    assert signing.verify_proof(signed, key.public_key(),
                                expected_proof_purpose="authentication").verified


def test_undefined_property_refused_at_signing(ob_credential, key):
    ob_credential["credentialSubject"]["grade"] = "A+"
    with pytest.raises(UndefinedTermError) as err:
        sign(ob_credential, key)
    assert err.value.path == "$.credentialSubject.grade"


def test_undefined_property_rejected_at_verification(ob_credential, key):
    signed = sign(ob_credential, key)
    signed["credentialSubject"]["grade"] = "A+"  # invisible to a plain canonicalization
    result = signing.verify_proof(signed, key.public_key())
    assert not result.verified
    assert result.error == "undefined_term"
    assert "$.credentialSubject.grade" in result.detail


def test_non_bundled_context_rejected_at_verification(ob_credential, key):
    signed = sign(ob_credential, key)
    signed["@context"].append("https://example.com/extra-context.jsonld")
    result = signing.verify_proof(signed, key.public_key())
    assert result.error == "context_not_bundled"


def test_proof_context_must_prefix_document_context(ob_credential, key):
    signed = sign(ob_credential, key)
    signed["proof"]["@context"] = list(signed["@context"])
    assert signing.verify_proof(signed, key.public_key()).verified
    signed["proof"]["@context"] = list(reversed(signed["@context"]))
    assert signing.verify_proof(signed, key.public_key()).error == "context_mismatch"


@pytest.mark.parametrize(
    "options",
    [
        {"type": "Ed25519Signature2020"},
        {"cryptosuite": "ecdsa-rdfc-2019"},
        {"created": "yesterday"},
    ],
)
def test_bad_proof_options_refused_at_signing(ob_credential, key, options):
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
             "verificationMethod": VM, "proofPurpose": "assertionMethod", **options}
    with pytest.raises(signing.ProofError):
        signing.hash_inputs(ob_credential, proof)


def _bad_inputs(signed):
    def with_proof(**changes):
        doc = copy.deepcopy(signed)
        doc["proof"].update(changes)
        return doc

    yield None
    yield []
    yield "not a credential"
    yield {"@context": "https://www.w3.org/ns/credentials/v2"}
    yield {**signed, "proof": 5}
    yield {**signed, "proof": [signed["proof"], signed["proof"]]}
    yield with_proof(proofValue=None)
    yield with_proof(proofValue="zz0OIl")
    yield with_proof(proofValue="z" + "1" * 10)
    yield with_proof(proofValue="u" + "A" * 86)
    yield with_proof(verificationMethod=["x"])
    yield with_proof(created=12)
    yield with_proof(cryptosuite="eddsa-jcs-2022")
    yield {k: v for k, v in signed.items() if k != "@context"}
    yield {**signed, "@context": 17}
    yield {**signed, "name": "x" * 400_000}
    deep = []
    for _ in range(40):
        deep = [deep]
    yield {**signed, "credentialSubject": {"a": deep}}
    yield {**signed, "id": {"@id": 5}}
    yield {**signed, "issuer": float("nan")}
    yield {**signed, 5: "non-string key"}


def test_verify_never_raises(ob_credential, key):
    signed = sign(ob_credential, key)
    for bad in _bad_inputs(signed):
        for public in (key.public_key(), b"short", "zNotAKey", 42, lambda vm: 1 / 0):
            result = signing.verify_proof(bad, public)
            assert isinstance(result, signing.ProofResult)
            assert not result.verified and result.error and result.detail


def test_single_element_proof_list_is_accepted(ob_credential, key):
    signed = sign(ob_credential, key)
    signed["proof"] = [signed["proof"]]
    assert signing.verify_proof(signed, key.public_key()).verified


# ------------------------------------------------------------------ private keys at rest
KEK = "development-kek-0123456789abcdef"


def test_kek_round_trip(key):
    token = signing.encrypt_private_key(key, KEK, aad=b"key-7")
    assert token.startswith("fsk1.")
    assert signing.private_key_bytes(key).hex() not in token
    again = signing.decrypt_private_key(token, KEK, aad=b"key-7")
    assert signing.private_key_bytes(again) == signing.private_key_bytes(key)


def test_each_encryption_is_different(key):
    assert signing.encrypt_private_key(key, KEK) != signing.encrypt_private_key(key, KEK)


def test_wrong_kek_fails(key):
    token = signing.encrypt_private_key(key, KEK)
    with pytest.raises(signing.KeyDecryptionError):
        signing.decrypt_private_key(token, KEK + "x")


def test_wrong_associated_data_fails(key):
    token = signing.encrypt_private_key(key, KEK, aad=b"key-7")
    with pytest.raises(signing.KeyDecryptionError):
        signing.decrypt_private_key(token, KEK, aad=b"key-8")


@pytest.mark.parametrize("mangle", [lambda t: t[:-4] + "AAAA", lambda t: t[:20], lambda t: "x" + t,
                                    lambda t: t + "!!"])
def test_damaged_token_fails(key, mangle):
    token = signing.encrypt_private_key(key, KEK)
    with pytest.raises(signing.KeyDecryptionError):
        signing.decrypt_private_key(mangle(token), KEK)


def test_short_kek_refused(key):
    with pytest.raises(ValueError):
        signing.encrypt_private_key(key, "short")
