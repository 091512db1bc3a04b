"""Links follow the address the platform is served on; signed credentials keep the public address fixed at
issuance (issue 15, item 2).

- Unsigned links for people (QR codes, the holder's page, LinkedIn, the PDF's link and QR, the public page's
  JSON link, the profile) use the address of the request; e-mails and tasks the configured PUBLIC_BASE_URL.
- The signed identifiers (credential id, issuer did:web, status list, achievement, skill) use PUBLIC_BASE_URL,
  and a credential issued in the embedded mode verifies, its did:web resolving to the DID document served there.
- ``make run PORT=… HOST=…`` serves there and signs for that address.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from badges import media, services
from badges.models import Credential, StatusList
from badges.resolver import verify
from badges_testkit import issue
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SIGNED = "http://academy.test:8101"  # PUBLIC_BASE_URL in these tests
SERVED = "lan-host.test:9000"  # the address a reader reached


@pytest.fixture
def holder_credential(settings, client):
    settings.PUBLIC_BASE_URL = SIGNED
    user = make_user("student")
    cred = issue(user=user)
    client.force_login(user)
    return cred


def test_links_for_people_follow_the_request_address(client, holder_credential):
    cred = holder_credential
    short = f"http://{SERVED}/v/{cred.short_id}/"
    html = client.get(f"/badges/{cred.pk}/", HTTP_HOST=SERVED).content.decode()
    assert f'href="{short}"' in html
    assert "127.0.0.1:8000" not in html
    assert "certUrl=" + short.replace(":", "%3A").replace("/", "%2F") in html  # the LinkedIn link
    qr = client.get(f"/badges/{cred.pk}/qr.png", HTTP_HOST=SERVED)
    assert qr.content == media.qr_png(short)
    svg = client.get(f"/badges/{cred.pk}/qr.svg", HTTP_HOST=SERVED)
    assert svg.content.decode() == media.qr_svg(short)
    public = client.get(f"/verify/{cred.pk}/", HTTP_HOST=SERVED).content.decode()
    assert f'href="http://{SERVED}/credentials/{cred.pk}"' in public
    mine = client.get("/api/v1/credentials/mine", HTTP_HOST=SERVED).json()
    assert mine["credentials"][0]["verify_url"] == short


def test_the_pdf_certificate_links_to_the_request_address(client, holder_credential, monkeypatch):
    seen = {}
    real = media.certificate_pdf

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(media, "certificate_pdf", spy)
    r = client.get(f"/badges/{holder_credential.pk}/certificate.pdf", HTTP_HOST=SERVED)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert seen["verify_url"] == f"http://{SERVED}/v/{holder_credential.short_id}/"


def test_emails_use_the_configured_base(settings, mailoutbox):
    settings.PUBLIC_BASE_URL = SIGNED
    cred = issue(notify=False)
    services.notify_holder(cred.pk)
    body = mailoutbox[-1].body
    assert f"{SIGNED}/v/{cred.short_id}/" in body and f"{SIGNED}/badges/{cred.pk}/" in body


def test_signed_identifiers_keep_the_public_address_and_verify(client, holder_credential):
    cred = holder_credential
    doc = json.loads(cred.signed_json)
    assert doc["id"] == f"{SIGNED}/credentials/{cred.pk}"
    assert doc["issuer"]["id"] == "did:web:academy.test%3A8101"
    assert doc["credentialStatus"]["statusListCredential"] == f"{SIGNED}/status/1"
    # served elsewhere, the same credential still verifies (our resolver reads the database, never the network)
    assert client.get(f"/en/verify/{cred.pk}/", HTTP_HOST=SERVED).status_code == 200
    r = client.post("/api/v1/credentials/verify", data=cred.signed_json, content_type="application/json",
                    HTTP_HOST=SERVED)
    assert r.json()["verdict"] == "VALID"
    # the DID document served on any address is the signed issuer's
    assert client.get("/.well-known/did.json", HTTP_HOST=SERVED).json()["id"] == doc["issuer"]["id"]


def test_a_credential_issued_in_the_embedded_mode_verifies_where_it_runs(client, settings):
    """make run PORT=8101 signs for http://127.0.0.1:8101; its did:web is served there."""
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8101"
    cred = issue()
    doc = json.loads(cred.signed_json)
    assert doc["issuer"]["id"] == "did:web:127.0.0.1%3A8101"
    did_doc = client.get("/.well-known/did.json", HTTP_HOST="127.0.0.1:8101").json()
    assert did_doc["id"] == doc["issuer"]["id"] and doc["proof"][0]["verificationMethod"] in did_doc["assertionMethod"]
    r = client.post("/api/v1/credentials/verify", data=cred.signed_json, content_type="application/json",
                    HTTP_HOST="127.0.0.1:8101")
    assert r.json()["verdict"] == "VALID"


def test_a_demo_database_moved_to_another_address_is_resigned(settings):
    """A credential names its issuer's address: served from another one, it no longer verifies there (as with any
    did:web). seed_demo re-signs the demo's credentials for the new address, keeping dates and status."""
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    cred = issue()
    revoked = issue()
    services.revoke_credential(revoked, reason="Test")
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8101"
    assert verify(Credential.objects.get(pk=cred.pk).signed_json).verdict == "INVALID"
    assert services.rebase_credential(cred) is True
    assert services.rebase_credential(revoked) is True
    assert services.rebase_credential(cred) is False  # idempotent
    cred.refresh_from_db()
    doc = json.loads(cred.signed_json)
    assert doc["id"] == f"http://127.0.0.1:8101/credentials/{cred.pk}"
    assert doc["issuer"]["id"] == "did:web:127.0.0.1%3A8101"
    assert "127.0.0.1:8000" not in cred.signed_json
    assert doc["validFrom"] == services.xsd(cred.valid_from)
    assert verify(cred.signed_json).verdict == "VALID"
    assert verify(Credential.objects.get(pk=revoked.pk).signed_json).verdict == "REVOKED"
    sl = StatusList.objects.get(number=1)
    assert json.loads(sl.signed_json)["id"] == "http://127.0.0.1:8101/status/1"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("args, served, signed", [
    ([], "127.0.0.1:8000", "http://127.0.0.1:8000"),
    (["PORT=8101"], "127.0.0.1:8101", "http://127.0.0.1:8101"),
    (["HOST=0.0.0.0", "PORT=8102", "PUBLIC_BASE_URL=http://192.0.2.10:8102"], "0.0.0.0:8102", "http://192.0.2.10:8102"),
])
def test_make_run_serves_and_signs_for_the_given_address(args, served, signed):
    out = subprocess.run(["make", "-n", "-B", "run", *args], cwd=ROOT, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"}, check=True).stdout
    assert f"PUBLIC_BASE_URL={signed} " in out and f"manage.py seed_demo" in out
    assert f"PUBLIC_BASE_URL={signed} .venv/bin/python manage.py runserver {served}" in out
