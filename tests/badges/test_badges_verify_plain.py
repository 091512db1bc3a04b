"""The verification pages speak to people first (issue 15 item 9): who holds the badge, what it certifies, who
issued it, until when; the technical checks (did:web, assertionMethod, cryptosuite) folded in a <details>; the
upload verifier names the holder of one of our credentials when they show their name; the verdict comes before
the form."""
import json

import pytest

from badges.models import Credential
from badges_testkit import issue  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _before(html, first, second):
    return html.index(first) < html.index(second)


def test_public_page_leads_with_plain_words_and_folds_the_technical_checks(client):
    holder = make_user("student", first_name="Camille", last_name="Roux")
    cred = issue(user=holder)
    html = client.get(f"/en/verify/{cred.pk}/").content.decode()
    sentence = html[html.index('id="plain-summary"'):]
    sentence = sentence[:sentence.index("</p>")]
    assert "Camille Roux holds “Audio Engineer — Flow Stage Ready”, issued by" in sentence and "valid until" in sentence
    details = html[html.index('<details class="card tech-checks"'):html.index("</details>")]
    for technical in ("did:web:", "assertionMethod", "eddsa-rdfc-2022"):
        assert technical in details and technical not in html[:html.index("<details")], technical
    assert _before(html, "Held by", "<details") and _before(html, "Validity", "<details")


def test_public_page_of_a_minimal_badge_withholds_the_name(client):
    holder = make_user("student", first_name="Camille", last_name="Roux")
    cred = issue(user=holder)
    Credential.objects.filter(pk=cred.pk).update(privacy=Credential.Privacy.MINIMAL)
    html = client.get(f"/verify/{cred.pk}/").content.decode()
    assert "Camille Roux" not in html and "le titulaire garde son nom privé" in html
    assert "« Audio Engineer — Flow Stage Ready », délivré par" in html


def test_upload_verifier_names_the_holder_verdict_before_the_form(client):
    holder = make_user("student", first_name="Camille", last_name="Roux")
    cred = issue(user=holder)
    html = client.post("/badges/verify/", {"text": cred.signed_json}).content.decode()
    assert '<strong id="holder-name">Camille Roux</strong>' in html
    assert _before(html, 'data-verdict="VALID"', '<form method="post" enctype="multipart/form-data"')
    assert cred.signed_json not in html  # the form below is empty, ready for another file
    # a holder who keeps their name private: not named, and said so
    Credential.objects.filter(pk=cred.pk).update(privacy=Credential.Privacy.MINIMAL)
    html = client.post("/badges/verify/", {"text": cred.signed_json}).content.decode()
    assert "Camille Roux" not in html and "le titulaire garde son nom privé" in html


def test_upload_verifier_never_names_anyone_from_a_forged_file(client):
    victim = make_user("student", first_name="Camille", last_name="Roux")
    mine, theirs = issue(), issue(user=victim)
    doc = json.loads(mine.signed_json)
    doc["id"] = json.loads(theirs.signed_json)["id"]  # another holder's credential id, signature now broken
    html = client.post("/badges/verify/", {"text": json.dumps(doc)}).content.decode()
    assert 'data-verdict="INVALID"' in html and "Camille Roux" not in html and 'id="holder-name"' not in html
    assert 'id="plain-claim"' in html and 'class="plain-facts"' not in html
