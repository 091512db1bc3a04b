"""The offline QR code on the platform's side: the holder's QR files and certificate, the trust bundle, the offline
verification page, its manifest and service worker (content types, cache headers, CSP), and the Python verification
of an offline QR code against the issuer's keys (rotation and compromise honoured as by the full verifier)."""
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from badges import compact, media, services, signing
from badges.models import SigningKey
from badges_testkit import celery_eager, issue  # noqa: F401 (fixture)
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


def test_holder_gets_an_offline_qr_that_verifies(client):
    holder = make_user("student", first_name="Léa", last_name="Martin")
    cred = issue(holder)
    client.force_login(holder)
    html = client.get(f"/badges/{cred.pk}/").content.decode()
    assert f"/badges/{cred.pk}/qr-offline.svg" in html and f"/badges/{cred.pk}/qr-svg" not in html
    assert f"/badges/{cred.pk}/qr.svg" in html  # the link QR stays
    resp = client.get(f"/badges/{cred.pk}/qr-offline.png")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert "no-store" in resp["Cache-Control"]
    svg = client.get(f"/badges/{cred.pk}/qr-offline.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    text = services.compact_qr_text(cred)
    result = services.verify_compact(text)
    assert result.verdict == compact.VALID
    p = result.payload
    assert (p.holder, p.credential_id, p.status_list, p.status_index) == (
        "Léa Martin", uuid.UUID(str(cred.pk)), cred.status_list.number, cred.status_index)
    assert p.achievement == "Audio Engineer — Flow Stage Ready" and p.issuer == services.issuer_did()
    assert p.valid_from == cred.validity.valid_from and p.valid_until == cred.validity.valid_until


def test_offline_qr_is_the_holders_only(client):
    cred = issue()
    assert client.get(f"/badges/{cred.pk}/qr-offline.png").status_code == 302  # to the sign-in page
    client.force_login(make_user("student"))
    assert client.get(f"/badges/{cred.pk}/qr-offline.png").status_code == 404
    assert client.get(f"/badges/{cred.pk}/qr-offline.svg").status_code == 404


def test_certificate_pdf_carries_both_qr_codes(client):
    holder = make_user("student")
    cred = issue(holder)
    client.force_login(holder)
    for lang in ("fr", "en"):
        pdf = client.get(f"/badges/{cred.pk}/certificate.pdf?lang={lang}").content
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 4  # the badge, its alpha mask and the two QR codes (was 3)


def test_python_verification_honours_revocation_rotation_and_compromise(settings):
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 0
    cred = issue()
    text = services.compact_qr_text(cred)
    assert services.verify_compact(text).verdict == compact.VALID
    services.revoke_credential(cred, reason="fraud")
    assert services.verify_compact(text).verdict == compact.REVOKED
    other = issue()
    old_text = services.compact_qr_text(other)
    old_key = services.signing_key()
    services.create_key()
    assert services.signing_key().number == old_key.number + 1  # the new key took over, the old one retired
    assert SigningKey.objects.get(pk=old_key.pk).status == SigningKey.Status.RETIRED
    assert services.verify_compact(old_text).verdict == compact.VALID  # signed before the retirement
    # a later signature by the retired key (a forgery with it) is refused
    retired = SigningKey.objects.get(pk=old_key.pk)
    late = compact.sign(services.compact_payload(other, key=retired, signed_at=timezone.now() + timedelta(seconds=5)),
                        services.private_key(retired))
    assert services.verify_compact(late).verdict == compact.KEY_NOT_VALID
    # compromise: what the key signed no longer verifies, offline or here
    new_text = services.compact_qr_text(other)
    services.declare_key_compromised(services.signing_key(), reason="leaked")
    assert services.verify_compact(new_text).verdict == compact.KEY_COMPROMISED
    assert services.verify_compact(old_text).verdict == compact.VALID
    bad = old_text[:40] + ("0" if old_text[40] != "0" else "1") + old_text[41:]
    assert services.verify_compact(bad).verdict != compact.VALID


def test_trust_bundle(client, settings):
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 0
    cred = issue()
    services.revoke_credential(cred, reason="fraud")
    services.create_key()
    services.signing_key()
    services.declare_key_compromised(services.signing_key(), reason="leaked")
    resp = client.get("/verify/scan/trust.json")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"
    assert resp["Cache-Control"] == "no-cache"
    bundle = resp.json()
    assert bundle["issuer"]["id"] == services.issuer_did() and bundle["format"] == "FS1"
    statuses = [k["status"] for k in bundle["keys"]]
    assert statuses == ["retired", "compromised", "active"]
    assert bundle["keys"][0]["validUntil"] and bundle["keys"][1]["compromisedFrom"]
    did_keys = {vm["id"]: vm["publicKeyMultibase"] for vm in services.did_document()["verificationMethod"]}
    keys = {}
    for k in bundle["keys"]:  # the same keys as the DID document's, with their validity
        raw = signing.multibase_decode("u" + k["publicKey"])
        assert signing.public_key_multibase(raw) == did_keys[k["id"]]
    keys = services.trusted_keys()
    (entry,) = bundle["statusLists"]
    snap = compact.verify_snapshot(signing.multibase_decode("u" + entry["snapshot"]), keys)
    assert snap.number == entry["number"] == cred.status_list.number and snap.purpose == "revocation"
    assert compact.verify(services.compact_qr_text(cred), keys, {snap.number: snap}).verdict == compact.REVOKED
    assert bundle["achievements"]["audio-engineer-flow-stage-ready"]["signed"] == "Audio Engineer — Flow Stage Ready"


def test_trust_bundle_while_no_key_may_sign_is_a_503(client, settings):
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 3600
    issue()
    services.declare_key_compromised(services.signing_key(), reason="leaked")  # the successor waits an hour
    resp = client.get("/verify/scan/trust.json")
    assert resp.status_code == 503 and int(resp["Retry-After"]) > 3000 and resp.json()["detail"]


@pytest.mark.parametrize("prefix,lang", [("", "fr"), ("/en", "en")])
def test_scan_page_manifest_and_worker(client, settings, prefix, lang):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": settings.CSP_DIRECTIVES}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    student = make_user("student", first_name="Zoé", last_name="Privée")
    client.force_login(student)  # the page is the same for everyone: no user data in what the worker caches
    page = client.get(f"{prefix}/verify/scan/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-cache"
    html = page.content.decode()
    assert f'lang="{lang}"' in html and "Zoé" not in html and "csrfmiddlewaretoken" not in html
    assert f'href="{prefix}/verify/scan/manifest.webmanifest"' in html
    assert f'data-sw-url="{prefix}/verify/scan/sw.js"' in html and 'data-trust-url="/verify/scan/trust.json"' in html
    assert ("Choisir une photo du QR code" if lang == "fr" else "Choose a photo of the QR code") in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    csp = page["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "script-src 'self'" in csp and "manifest-src 'self'" in csp
    manifest = client.get(f"{prefix}/verify/scan/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    m = manifest.json()
    assert m["start_url"] == m["scope"] == f"{prefix}/verify/scan/" and m["lang"] == lang
    assert {i["sizes"] for i in m["icons"]} == {"192x192", "512x512"} and m["display"] == "standalone"
    for icon in m["icons"]:
        assert client.get(icon["src"]).status_code == 200
    sw = client.get(f"{prefix}/verify/scan/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert sw["Cache-Control"] == "no-cache"
    body = sw.content.decode()
    assert f'const PAGE = "{prefix}/verify/scan/"' in body.replace("\\u002D", "-").replace("\\u002F", "/")
    for asset in ("badges/scan/scan.js", "badges/scan/fsverify.js", "badges/scan/vendor/jsQR.js",
                  "badges/scan/vendor/noble-ed25519.js"):
        assert asset in body.replace("\\u002F", "/").replace("\\u002D", "-")


def test_typical_qr_size_on_the_certificate():
    """The offline QR code of a typical credential, as printed (45.9 mm): measured version and module size."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from datetime import datetime, timezone as tz

    now = datetime(2026, 11, 30, tzinfo=tz.utc)
    p = compact.Payload("did:web:academy.flowstage.example", 1, uuid.uuid4(), "Lucas Bernard",
                        "Audio Engineer — Flow Stage Ready", "audio-engineer-flow-stage-ready", now,
                        now + timedelta(days=1095), 1, 54321, now)
    version, module = media.qr_module_mm(compact.sign(p, Ed25519PrivateKey.generate()))
    assert version <= 11 and module > 0.6


def test_the_pages_javascript_verifier_agrees_in_node(tmp_path, settings):
    """fsverify.js (the page's verifier) under Node on codes and a bundle made here: valid, revoked per the signed
    snapshot, expired; every byte of a code changed three ways is refused; Base45 round trip."""
    import json
    import shutil
    import subprocess
    from datetime import datetime, timezone as tz
    from pathlib import Path

    node = shutil.which("node")
    if not node:
        pytest.skip("node missing: the page's verifier is checked in Chromium by the e2e test")
    static = Path(__file__).resolve().parents[2] / "badges" / "static" / "badges" / "scan"
    shutil.copy(static / "fsverify.js", tmp_path / "fsverify.mjs")
    shutil.copy(static / "vendor" / "noble-ed25519.js", tmp_path / "noble.mjs")
    valid, revoked = issue(), issue()
    services.revoke_credential(revoked, reason="fraud")
    now = datetime.now(tz.utc).isoformat()
    cases = [{"text": services.compact_qr_text(valid), "now": now},
             {"text": services.compact_qr_text(revoked), "now": now},
             {"text": services.compact_qr_text(valid), "now": datetime(2100, 1, 1, tzinfo=tz.utc).isoformat()}]
    (tmp_path / "input.json").write_text(json.dumps({"bundle": services.trust_bundle(), "cases": cases}))
    proc = subprocess.run([node, str(Path(__file__).parent / "node_offline" / "check.mjs"),
                           str(tmp_path / "fsverify.mjs"), str(tmp_path / "noble.mjs"), str(tmp_path / "input.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["verdicts"] == ["valid", "revoked", "expired"]
    assert out["roundTrip"] and out["flipped"]["accepted"] == 0 and out["flipped"]["total"] > 3 * 200


def test_trust_bundle_is_rate_limited(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.BADGES_VERIFY_PAGE_RATE = "2/m"
    issue()
    answers = [client.get("/verify/scan/trust.json", REMOTE_ADDR="203.0.113.9") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["retry_after"] > 0 and answers[2]["Retry-After"]
