"""The demo speaks one language per page and its dates agree (issue 15, items 6 and 7): after seed_demo, every
credential's pages show its own validity, nothing was signed after it expired, the demo's evidence and revocation
reasons exist in both languages, and the teachers' and school staff's pages show English titles on /en/."""
import json
import re

import pytest
from django.core.management import call_command

from badges import services, signing
from badges.models import Credential
from badges.resolver import verify
from lms.accounts.models import User

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.demo]


def _text(html: str) -> str:
    """The page's text outside the signed JSON shown to the holder."""
    return re.sub(r"<pre.*?</pre>", "", html, flags=re.S)


def test_demo_dates_and_languages(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    creds = list(Credential.objects.select_related("user"))
    assert len(creds) >= 3
    expected = {"VALID", "REVOKED", "EXPIRED"}
    seen = set()
    for cred in creds:
        doc = json.loads(cred.signed_json)
        v = cred.validity
        assert services.xsd(v.valid_from) == doc["validFrom"] and services.xsd(cred.valid_from) == doc["validFrom"]
        if v.valid_until:
            assert services.xsd(cred.valid_until) == doc["validUntil"]
            # nothing says it was issued or signed after it stopped being valid
            assert cred.issued_at <= v.valid_until, cred.narrative
            assert services.parse_xsd(signing.single_proof(doc)["created"]) <= v.valid_until, cred.narrative
        assert v.valid_from <= cred.issued_at or abs((cred.issued_at - v.valid_from).total_seconds()) < 5
        seen.add(verify(cred.signed_json).verdict)
    assert expected <= seen

    # the demo's own texts exist in both languages
    revoked = next(c for c in creds if c.revoked_at)
    expired = next(c for c in creds if c.achievement.slug == "stage-lighting-safety")
    for cred in (revoked, expired):
        assert cred.narrative and cred.narrative_fr and cred.narrative != cred.narrative_fr
    assert revoked.revocation_reason and revoked.revocation_reason_fr

    staff = User.objects.get(email="staff@demo.flowstage.test")
    client.force_login(staff)
    fr = _text(client.get("/badges/staff/").content.decode())
    en = _text(client.get("/en/badges/staff/").content.decode())
    assert revoked.revocation_reason_fr in fr and revoked.revocation_reason not in fr
    assert revoked.revocation_reason in en and revoked.revocation_reason_fr not in en

    client.logout()
    fr = client.get(f"/verify/{expired.pk}/").content.decode()
    en = client.get(f"/en/verify/{expired.pk}/").content.decode()
    assert expired.narrative_fr in fr and expired.narrative not in fr
    assert expired.narrative in en and expired.narrative_fr not in en
    assert "1 décembre" not in en

    # the holder's pages: "issued on" is the credential's validFrom, before its validUntil
    marie = expired.user
    client.force_login(marie)
    html = _text(client.get("/en/badges/mine/").content.decode())
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    with translation.override("en"):
        start = date_format(timezone.localtime(expired.valid_from), "DATE_FORMAT")
        end = date_format(timezone.localtime(expired.valid_until), "DATE_FORMAT")
    assert f"Issued on {start} · valid until {end}" in html

    # titles in English on the teachers' and school staff's English pages
    client.force_login(User.objects.get(email="teacher@demo.flowstage.test"))
    grading = client.get("/en/learning/grading/").content.decode()
    assert "Music Industry 4.0" in grading and "Industrie Musicale 4.0" not in grading
    client.force_login(User.objects.get(email="school@demo.flowstage.test"))
    enrol = client.get("/en/learning/cohorts/enrol/").content.decode()
    assert "Music Industry 4.0" in enrol and "Industrie Musicale 4.0" not in enrol
