"""Every page shows the credential's own validFrom / validUntil (issue 15, item 7): one accessor,
``Credential.validity``, read by the holder's pages, the staff list, the public page, the profile, the PDF,
the e-mail and LinkedIn; French readers see the French evidence and revocation reason."""
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils import translation

from badges import media, selectors, services
from badges.models import Credential
from badges_testkit import issue
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_credential():
    """Valid two years from three years ago (expired), while the platform signed it today (issued_at)."""
    start = (timezone.now() - timedelta(days=3 * 365)).replace(microsecond=0)
    cred = issue(user=make_user("student"), valid_from=start, valid_until=start + timedelta(days=2 * 365),
                 narrative="Stage lighting safety module (test).", narrative_fr="Module de sécurité (test).")
    return Credential.objects.get(pk=cred.pk)


def _dates(cred, lang):
    with translation.override(lang):
        return (date_format(timezone.localtime(cred.valid_from), "DATE_FORMAT"),
                date_format(timezone.localtime(cred.valid_until), "DATE_FORMAT"),
                date_format(timezone.localtime(cred.issued_at), "DATE_FORMAT"))


def test_validity_is_the_signed_validfrom_and_validuntil(old_credential):
    cred = old_credential
    doc = json.loads(cred.signed_json)
    assert services.xsd(cred.validity.valid_from) == doc["validFrom"]
    assert services.xsd(cred.validity.valid_until) == doc["validUntil"]
    # a list that deferred the document reads the columns, which are the same values
    deferred = Credential.objects.defer("signed_json").get(pk=cred.pk)
    assert deferred.validity == cred.validity


def test_no_expiry_when_the_credential_signs_none():
    from badges_testkit import make_achievement

    ach = make_achievement(slug="no-expiry", validity_days=0)
    cred = Credential.objects.get(pk=issue(achievement=ach).pk)
    assert "validUntil" not in json.loads(cred.signed_json) and cred.validity.valid_until is None


@pytest.mark.parametrize("lang, prefix", [("fr", ""), ("en", "/en")])
def test_every_page_shows_the_credentials_own_dates(client, old_credential, lang, prefix):
    cred = old_credential
    valid_from, valid_until, issued = _dates(cred, lang)
    assert valid_from != issued
    client.force_login(cred.user)
    for url in (f"{prefix}/badges/mine/", f"{prefix}/badges/{cred.pk}/", f"{prefix}/verify/{cred.pk}/"):
        html = client.get(url).content.decode()
        assert valid_from in html and valid_until in html, url
        if "/verify/" not in url:  # (the public page's technical checks give the signature's own time)
            assert issued not in html, url
    rows = selectors.credentials_for_user(cred.user)
    assert rows[0]["issued_on"] == timezone.localdate(cred.valid_from) and rows[0]["status"] == "expired"
    staff = make_user("flowstage_staff")
    client.force_login(staff)
    with translation.override(lang):
        short_from = date_format(timezone.localtime(cred.valid_from), "SHORT_DATE_FORMAT")
    assert short_from in client.get(f"{prefix}/badges/staff/").content.decode()


def test_pdf_linkedin_and_email_use_the_validity(client, old_credential, monkeypatch, mailoutbox):
    cred = old_credential
    seen = {}
    real = media.certificate_pdf
    monkeypatch.setattr(media, "certificate_pdf", lambda **kw: seen.update(kw) or real(**kw))
    client.force_login(cred.user)
    client.get(f"/badges/{cred.pk}/certificate.pdf?lang=en")
    valid_from, valid_until, _issued = _dates(cred, "en")
    assert seen["issued_on"] == valid_from and seen["valid_until"] == valid_until
    html = client.get(f"/en/badges/{cred.pk}/").content.decode()
    assert f"issueYear={cred.valid_from.year}" in html and f"expirationYear={cred.valid_until.year}" in html
    services.notify_holder(cred.pk)
    with translation.override("fr"):
        assert date_format(timezone.localtime(cred.valid_until), "DATE_FORMAT") in mailoutbox[-1].body


def test_evidence_and_revocation_reason_in_the_readers_language(client, old_credential):
    cred = old_credential
    services.revoke_credential(cred, reason="Issued by mistake (test).", reason_fr="Délivré par erreur (test).")
    client.force_login(cred.user)
    # (the holder's page also shows the signed document itself, English, in a <pre>: left aside here)
    fr = re.sub(r"<pre.*?</pre>", "", client.get(f"/badges/{cred.pk}/").content.decode(), flags=re.S)
    en = re.sub(r"<pre.*?</pre>", "", client.get(f"/en/badges/{cred.pk}/").content.decode(), flags=re.S)
    assert "Module de sécurité (test)." in fr and "Stage lighting safety module (test)." not in fr
    assert "Stage lighting safety module (test)." in en and "Module de sécurité (test)." not in en
    assert "Délivré par erreur (test)." in fr and "Issued by mistake (test)." not in fr
    assert "Issued by mistake (test)." in en and "Délivré par erreur (test)." not in en
    client.force_login(make_user("flowstage_staff"))
    assert "Délivré par erreur (test)." in client.get("/badges/staff/").content.decode()
    assert "Issued by mistake (test)." in client.get("/en/badges/staff/").content.decode()
    # the signed evidence stays the English text
    assert json.loads(Credential.objects.get(pk=cred.pk).signed_json)["evidence"][0]["narrative"] == \
        "Stage lighting safety module (test)."
