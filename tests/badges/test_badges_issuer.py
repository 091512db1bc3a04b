"""Issuer profile, did:web, DID document, signing keys at rest, rotation and key revocation."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from badges import services, signing
from badges.models import Credential, SigningKey
from badges_testkit import clock, doc_of, issue, revoked_keys_stay_listed, verify_doc  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url,did", [
    ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
    ("https://academy.example.org", "did:web:academy.example.org"),
    ("https://academy.example.org/", "did:web:academy.example.org"),
    ("https://example.org:8443/academy/fs", "did:web:example.org%3A8443:academy:fs"),
])
def test_did_web_from_public_base_url(url, did):
    assert services.issuer_did(url) == did


def test_issuer_json_is_an_ob3_profile(client, settings):
    resp = client.get("/issuer.json")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/ld+json"
    data = resp.json()
    assert data["id"] == "did:web:127.0.0.1%3A8000"
    assert data["type"] == ["Profile"]
    assert {"name", "url", "email", "image"} <= set(data)
    # The profile itself is safe JSON-LD (every term defined).
    from badges import jsonld
    jsonld.canonicalize(data)


def test_did_document_lists_every_key_as_multikey(client):
    k1 = services.create_key()
    k2 = services.rotate_key()
    services.rotate_key()
    services.revoke_key(SigningKey.objects.get(pk=k2.pk), reason="leaked")
    resp = client.get("/.well-known/did.json")
    assert resp.status_code == 200
    doc = resp.json()
    did = "did:web:127.0.0.1%3A8000"
    assert doc["id"] == did
    ids = [vm["id"] for vm in doc["verificationMethod"]]
    assert ids == [f"{did}#key-{n}" for n in range(1, SigningKey.objects.count() + 1)]
    # a compromised key stays a verificationMethod, marked revoked, but leaves assertionMethod
    assert doc["assertionMethod"] == [i for i in ids if not i.endswith("#key-2")]
    for vm in doc["verificationMethod"]:
        assert vm["type"] == "Multikey" and vm["controller"] == did
        assert vm["publicKeyMultibase"].startswith("z6Mk")
        signing.public_key_from_multibase(vm["publicKeyMultibase"])
    revoked = [vm for vm in doc["verificationMethod"] if vm["id"].endswith("#key-2")][0]
    assert "revoked" in revoked
    assert k1.public_key_multibase in json.dumps(doc)


def test_private_key_is_encrypted_at_rest(settings):
    key = services.create_key()
    raw = signing.private_key_bytes(services.private_key(key))
    assert raw.hex() not in key.encrypted_private_key
    assert signing.public_key_multibase(services.private_key(key)) == key.public_key_multibase
    settings.BADGES_KEY_ENCRYPTION_KEY = "another-key-encryption-key-0123456789"
    with pytest.raises(signing.KeyDecryptionError):
        services.private_key(key)


def test_only_one_active_key_and_rotation_keeps_old_credentials_valid(clock):
    cred = issue()
    old_key = cred.signing_key
    new_key = services.rotate_key()
    assert new_key.status == "pending"  # published, signs once cached DID documents have expired
    assert issue().signing_key == old_key
    clock.advance(seconds=services.did_document_max_age())
    assert issue().signing_key == new_key
    assert SigningKey.objects.filter(status="active").count() == 1
    old_key.refresh_from_db()
    assert old_key.status == "retired" and old_key.retired_at
    assert verify_doc(doc_of(cred)).verdict == "VALID"
    cred2 = issue()
    assert doc_of(cred2)["proof"][0]["verificationMethod"].endswith(f"#key-{new_key.number}")
    assert verify_doc(doc_of(cred2)).verdict == "VALID"


def test_key_revoked_from_a_date_invalidates_what_it_signed_after(revoked_keys_stay_listed, settings):
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 0  # the successor signs at once: the status list is re-signed now
    before = issue()
    key = before.signing_key
    # Revoked from now (the DID document states whole seconds): what it signed before stays valid.
    Credential.objects.filter(pk=before.pk).update(issued_at=before.issued_at - timedelta(seconds=2))
    services.revoke_key(key, revoked_from=timezone.now(), reason="compromised")
    services.reissue_compromised()
    report = verify_doc(doc_of(before))
    assert report.verdict == "VALID", report.as_dict()
    # Revoked from a date before the issuance: INVALID with that reason.
    key.refresh_from_db()
    SigningKey.objects.filter(pk=key.pk).update(revoked_from=before.issued_at - timedelta(hours=1))
    report = verify_doc(doc_of(before))
    assert report.verdict == "INVALID"
    assert "revoked" in report.reason
    assert report.check("verification_method").ok is False


def test_revoked_key_cannot_backdate_a_forgery(revoked_keys_stay_listed):
    cred = issue()
    key = cred.signing_key
    services.revoke_key(key, revoked_from=timezone.now() - timedelta(days=1), reason="compromised")
    # The thief signs a new credential with a `created` before the revocation date.
    doc = doc_of(cred)
    doc.pop("proof")
    doc["id"] = "http://127.0.0.1:8000/credentials/00000000-0000-0000-0000-000000000000"
    forged = signing.sign_document(doc, services.private_key(key), verification_method=services.key_id(key),
                                   created="2020-01-01T00:00:00Z")
    report = verify_doc(forged)
    assert report.verdict == "INVALID" and "registry" in report.reason
