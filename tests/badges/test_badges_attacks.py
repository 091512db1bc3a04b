"""Bad input and attacks: each gives a verdict other than VALID (or a 4xx), never a 500, never a fetch."""
import base64
import copy
import gzip
import json
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from badges import media, services, signing
from badges.models import StatusList
from badges_testkit import doc_of, issue, verify_doc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pyld_loader_fails(monkeypatch):
    """pyld's default (network) loader must never be used."""
    from pyld import jsonld as pyld_jsonld

    def refuse(url, options=None):
        raise AssertionError(f"pyld default document loader used for {url}")

    monkeypatch.setattr(pyld_jsonld, "_default_document_loader", refuse)


def _set(doc, path, value):
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


CHANGES = [
    (("name",), "Lighting Engineer — Flow Stage Ready"),
    (("validFrom",), "2020-01-01T00:00:00Z"),
    (("validUntil",), "2099-01-01T00:00:00Z"),
    (("id",), "http://127.0.0.1:8000/credentials/11111111-1111-1111-1111-111111111111"),
    (("issuer", "name"), "Evil Academy"),
    (("issuer", "url"), "https://evil.example/"),
    (("credentialSubject", "identifier", 0, "identityHash"), "sha256$" + "0" * 64),
    (("credentialSubject", "identifier", 0, "salt"), "00"),
    (("credentialSubject", "achievement", "name"), "Something else"),
    (("credentialSubject", "achievement", "criteria", "narrative"), "Nothing"),
    (("credentialSubject", "achievement", "image", "id"), "https://evil.example/x.png"),
    (("credentialStatus", "statusListIndex"), "5"),
    (("credentialStatus", "statusListCredential"), "http://127.0.0.1:8000/status/2"),
    (("evidence", 0, "narrative"), "Forged evidence"),
    (("proof", 0, "created"), "2020-01-01T00:00:00Z"),
    (("proof", 0, "proofValue"), None),
]


@pytest.mark.parametrize("path,value", CHANGES, ids=[".".join(map(str, p)) for p, _ in CHANGES])
def test_any_single_changed_field_is_not_valid(path, value):
    cred = issue(narrative="Mixed a live concert.")
    doc = doc_of(cred)
    if value is None:  # flip one character of the signature
        pv = doc["proof"][0]["proofValue"]
        value = pv[:-2] + ("A" if pv[-2] != "A" else "B") + pv[-1]
    _set(doc, path, value)
    report = verify_doc(doc)
    assert report.verdict == "INVALID", report.reason


def test_added_property_is_rejected_not_ignored():
    doc = doc_of(issue())
    doc["credentialSubject"]["grade"] = "A+"
    report = verify_doc(doc)
    assert report.verdict == "INVALID" and "undefined" in report.reason


def test_proof_copied_from_another_credential():
    a, b = doc_of(issue()), doc_of(issue())
    a["proof"] = copy.deepcopy(b["proof"])
    assert verify_doc(a).verdict == "INVALID"


def test_unknown_key():
    doc = doc_of(issue())
    doc["proof"][0]["verificationMethod"] = "did:web:127.0.0.1%3A8000#key-99"
    report = verify_doc(doc)
    assert report.verdict == "INVALID" and "unknown verification method" in report.reason


def test_other_issuer_is_rejected():
    doc = doc_of(issue())
    doc.pop("proof")
    other = signing.generate_private_key()
    doc["issuer"]["id"] = "did:web:evil.example"
    forged = signing.sign_document(doc, other, verification_method="did:web:evil.example#key-1")
    report = verify_doc(forged)
    assert report.verdict == "INVALID" and "unknown issuer" in report.reason
    # A foreign key claiming to be ours.
    doc["issuer"]["id"] = "did:web:127.0.0.1%3A8000"
    forged = signing.sign_document(doc, other, verification_method="did:web:127.0.0.1%3A8000#key-1")
    assert verify_doc(forged).verdict == "INVALID"
    # Our issuer but a key controlled by someone else.
    forged = signing.sign_document(doc, other, verification_method="did:web:evil.example#key-1")
    report = verify_doc(forged)
    assert report.verdict == "INVALID" and "not controlled" in report.reason


def test_valid_until_in_the_past_is_expired():
    past = timezone.now() - timedelta(days=1)
    cred = issue(valid_from=past - timedelta(days=1000), valid_until=past)
    report = verify_doc(doc_of(cred))
    assert report.verdict == "EXPIRED" and report.check("validity").ok is False
    assert report.check("proof").ok is True


def test_not_yet_valid_is_invalid():
    cred = issue(valid_from=timezone.now() + timedelta(days=10))
    assert verify_doc(doc_of(cred)).verdict == "INVALID"


def test_status_bit_set_is_revoked_even_if_expired():
    past = timezone.now() - timedelta(days=1)
    cred = issue(valid_from=past - timedelta(days=10), valid_until=past)
    services.revoke_credential(cred, reason="Cheating")
    assert verify_doc(doc_of(cred)).verdict == "REVOKED"


def test_unavailable_status_list_never_valid():
    cred = issue()
    StatusList.objects.update(signed_json="")
    report = verify_doc(doc_of(cred))
    assert report.verdict == "INVALID" and "unavailable" in report.reason


def test_tampered_status_list_never_valid():
    cred = issue()
    services.revoke_credential(cred, reason="Cheating")
    sl = StatusList.objects.get()
    slc = json.loads(sl.signed_json)
    # An attacker clears the bit but cannot re-sign.
    slc["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(16384), mtime=0)).rstrip(b"=").decode()
    sl.signed_json = json.dumps(slc)
    sl.save()
    report = verify_doc(doc_of(cred))
    assert report.verdict == "INVALID" and "status list" in report.reason


def test_status_list_bomb_is_refused():
    cred = issue()
    sl = StatusList.objects.get()
    slc = json.loads(sl.signed_json)
    slc["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(64 * 1024 * 1024), mtime=0)).rstrip(b"=").decode()
    sl.signed_json = json.dumps(slc)
    sl.save()
    assert verify_doc(doc_of(cred)).verdict == "INVALID"


def test_missing_credential_status_is_not_valid():
    doc = doc_of(issue())
    doc.pop("credentialStatus")
    assert verify_doc(doc).verdict == "INVALID"


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b'"x"', b'{"@context": 5}', b"\xff\xfe",
                                 b'{"a":' * 5000 + b"1" + b"}" * 5000])
def test_malformed_json_is_invalid_and_never_raises(raw):
    report = verify_doc(raw)
    assert report.verdict == "INVALID"


def test_context_not_bundled_is_refused():
    doc = doc_of(issue())
    doc["@context"].append("https://evil.example/context.jsonld")
    report = verify_doc(doc)
    assert report.verdict == "INVALID" and "not bundled" in report.reason
    doc = doc_of(issue())
    doc["credentialSubject"]["@context"] = "https://evil.example/ctx"
    assert verify_doc(doc).verdict == "INVALID"


def test_api_rejects_bad_input_with_4xx_or_invalid(client):
    url = "/api/v1/credentials/verify"
    resp = client.post(url, data=b"{not json", content_type="application/json")
    assert resp.status_code == 200 and resp.json()["verdict"] == "INVALID"
    resp = client.post(url, data=b"", content_type="application/json")
    assert resp.status_code == 400
    big = b'{"x":"' + b"a" * (20 * 1024 * 1024) + b'"}'
    resp = client.post(url, data=big, content_type="application/json")
    assert resp.status_code == 413 and "trop volumineuse" in resp.json()["detail"]


def test_upload_of_20_megabytes_is_refused(client):
    f = SimpleUploadedFile("huge.json", b"{" + b" " * (20 * 1024 * 1024) + b"}", content_type="application/json")
    resp = client.post("/en/badges/verify/", {"file": f})
    assert resp.status_code == 413
    assert "too large" in resp.content.decode()


def _png_with_chunk(kind: bytes, data: bytes) -> bytes:
    base = media.badge_png("X", size=40)
    chunk = struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    i = base.rindex(b"IEND") - 4
    return base[:i] + chunk + base[i:]


def test_png_itxt_decompression_bomb_is_refused(client):
    bomb = zlib.compress(b"{" + b" " * (50 * 1024 * 1024), 9)
    png = _png_with_chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + bomb)
    assert len(png) < 200_000
    with pytest.raises(media.BakingError, match="too large"):
        media.extract_from_png(png)
    resp = client.post("/badges/verify/", {"file": SimpleUploadedFile("bomb.png", png, "image/png")})
    assert resp.status_code == 400 and "dépasse la taille autorisée" in resp.content.decode()
    resp = client.post("/en/badges/verify/", {"file": SimpleUploadedFile("bomb.png", png, "image/png")})
    assert resp.status_code == 400 and "too large" in resp.content.decode()


def test_png_pixel_bomb_is_never_decoded(client):
    # A 60000 x 60000 image header: Pillow would refuse it as a decompression bomb; we never decode pixels.
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    def chunk(k, d):
        return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
    cred = issue()
    png = media.PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10000)) + chunk(b"IEND", b"")
    baked = media.bake_png(png, cred.signed_json)
    resp = client.post("/badges/verify/", {"file": SimpleUploadedFile("big.png", baked, "image/png")})
    assert resp.status_code == 200 and 'data-verdict="VALID"' in resp.content.decode()


@pytest.mark.parametrize("payload", [b"openbadgecredential\x00\x00\x00\x00\x00" + b"\x00\xffjunk{{{",
                                     b"openbadgecredential\x00\x01\x00\x00\x00not zlib",
                                     b"openbadgecredential\x00\x00\x00\x00\x00{\"@context\": []}"])
def test_png_whose_chunk_holds_junk(client, payload):
    png = _png_with_chunk(b"iTXt", payload)
    resp = client.post("/badges/verify/", {"file": SimpleUploadedFile("junk.png", png, "image/png")})
    assert resp.status_code in (200, 400)
    assert 'data-verdict="VALID"' not in resp.content.decode()


def test_png_with_bad_crc_or_truncated(client):
    png = bytearray(media.bake_png(media.badge_png("X", size=40), doc_json := json.dumps({"a": 1})))
    png[-20] ^= 0xFF
    with pytest.raises(media.BakingError):
        media.extract_from_png(bytes(png))
    with pytest.raises(media.BakingError):
        media.extract_from_png(bytes(png[:30]))
    assert doc_json


def test_svg_with_entities_is_refused():
    svg = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(media.BakingError, match="DOCTYPE"):
        media.extract_from_svg(svg)


def test_public_pages_never_500_on_garbage(client):
    assert client.get("/verify/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/verify/not-a-uuid/").status_code == 404
    assert client.get("/v/nope/").status_code == 404
    assert client.get("/status/999").status_code == 404
    assert client.get("/credentials/00000000-0000-0000-0000-000000000000").status_code == 404
