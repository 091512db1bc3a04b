"""Conformance with the official 1EdTech OB 3.0 AchievementCredential JSON Schema (bundled, offline), and the
``proof`` array: issued as an array of one, verified in both forms (credentials stored before keep verifying)."""
import copy
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from badges import schema, services, signing
from badges.models import Credential
from badges_testkit import doc_of, issue, make_achievement, verify_doc
from tests.factories import make_user


def test_bundled_schema_is_the_official_file_unchanged():
    assert schema.bundled_sha256() == schema.ACHIEVEMENT_CREDENTIAL_SHA256
    readme = (schema.SCHEMA_DIR / "README.md").read_text()
    assert schema.ACHIEVEMENT_CREDENTIAL_SHA256 in readme and "purl.imsglobal.org" in readme
    raw = json.loads(schema.ACHIEVEMENT_CREDENTIAL_SCHEMA.read_bytes())
    assert raw["$schema"].startswith("https://json-schema.org/draft/2019-09/schema")
    assert raw["properties"]["proof"]["type"] == "array"


def test_no_reference_leaves_the_file():
    """Every $ref is to the file's own $defs: nothing to fetch at test time."""
    text = schema.ACHIEVEMENT_CREDENTIAL_SCHEMA.read_text()
    refs = {r.split('"')[0] for r in text.split('"$ref": "')[1:]}
    assert refs and all(r.startswith("#/") for r in refs)


@pytest.mark.django_db
def test_issued_credential_conforms_with_proof_as_an_array():
    doc = doc_of(issue(narrative="Mixed a 12-piece band live."))
    assert isinstance(doc["proof"], list) and len(doc["proof"]) == 1
    assert schema.errors(doc) == [] and schema.conforms(doc)
    assert verify_doc(doc).verdict == "VALID"


@pytest.mark.django_db
def test_single_proof_object_of_older_credentials_still_verifies_though_the_schema_flags_it():
    doc = doc_of(issue())
    old = {**copy.deepcopy(doc), "proof": doc["proof"][0]}  # how credentials were issued before
    assert verify_doc(old).verdict == "VALID"
    problems = schema.errors(old)
    assert len(problems) == 1 and problems[0].startswith("/proof:") and "'array'" in problems[0]


@pytest.mark.django_db
def test_stored_credential_with_a_proof_object_verifies_on_its_page_and_is_served(client):
    cred = issue()
    doc = doc_of(cred)
    doc["proof"] = doc["proof"][0]
    old = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    Credential.objects.filter(pk=cred.pk).update(signed_json=old)
    page = client.get(f"/en/verify/{cred.pk}/")
    assert page.status_code == 200 and page.context["report"].verdict == "VALID"
    resp = client.get(f"/credentials/{cred.pk}", HTTP_ACCEPT="application/vc")
    assert resp.content.decode() == old


@pytest.mark.django_db
@pytest.mark.parametrize("proof", [[], "x", [{"a": 1}, {"b": 2}], None])
def test_anything_but_one_proof_is_refused(proof):
    doc = doc_of(issue())
    doc["proof"] = proof
    report = verify_doc(doc)
    assert report.verdict == "INVALID"


def test_single_proof_helper():
    p = {"type": "DataIntegrityProof"}
    assert signing.single_proof({"proof": p}) is p
    assert signing.single_proof({"proof": [p]}) is p
    for bad in ({"proof": [p, p]}, {"proof": []}, {"proof": "x"}, {}, [p], None, {"proof": [[p]]}):
        assert signing.single_proof(bad) is None


@pytest.mark.django_db
def test_a_credential_the_schema_refuses_fails_the_issuance_loudly_and_nothing_is_stored(settings):
    assert settings.BADGES_SCHEMA_CHECK  # on for the whole test suite (tests/conftest.py)
    user = make_user("student")
    with pytest.raises(schema.SchemaViolation, match=r"/name"):
        services.issue_credential(user, make_achievement(), extra={"name": 42}, notify=False)
    assert not Credential.objects.filter(user=user).exists()
    settings.BADGES_SCHEMA_CHECK = False  # production: the schema is a conformance test, not a gate
    assert services.issue_credential(user, make_achievement(), extra={"name": 42}, notify=False).created


@pytest.mark.django_db
def test_rebased_credential_keeps_the_array_and_conforms(settings):
    cred = issue()
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8123"
    assert services.rebase_credential(cred)
    cred.refresh_from_db()
    doc = doc_of(cred)
    assert isinstance(doc["proof"], list) and schema.errors(doc) == []


@pytest.mark.parametrize("value,expected", [
    (Decimal("6"), 6), (Decimal("6.0"), 6), (Decimal("2.5"), 2.5), (Decimal("1.3"), 1.3), (Decimal("0"), 0),
    (Decimal("30.0"), 30), (Decimal("0.1"), 0.1),
])
def test_json_number_of_ects(value, expected):
    out = services.json_number(value)
    assert out == expected and type(out) is type(expected)
    assert Decimal(json.dumps(out)) == value  # the JSON text is the exact decimal


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.demo
def test_every_demo_credential_conforms_and_verifies():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    creds = list(Credential.objects.select_related("achievement"))
    assert len(creds) >= 4 and any(c.achievement.course_id for c in creds)  # the demo's module credential too
    for cred in creds:
        doc = json.loads(cred.signed_json)
        assert schema.errors(doc) == [], cred.achievement.slug
        assert verify_doc(doc).verdict in {"VALID", "REVOKED", "EXPIRED"}, cred.achievement.slug
