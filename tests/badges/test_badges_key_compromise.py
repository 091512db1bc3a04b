"""Key lifecycle on the platform: a new key is published before it signs, a planned rotation keeps the old key, a
compromise takes the key out of assertionMethod and re-issues what it signed (same achievement, dates and status
entry), superseding the old credentials and telling their holders. A controlled clock stands for the time."""
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from badges import services, signing
from badges.models import Credential, SigningKey
from badges.tasks import notify_reissued, reissue_compromised
from badges_testkit import clock, doc_of, issue, make_achievement, passed_attempt, verify_doc  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db
MAX_AGE = 300


def did_doc(client):
    resp = client.get("/.well-known/did.json")
    assert resp.status_code == 200
    return resp


def assertion(client) -> list[str]:
    return [m.rsplit("#", 1)[1] for m in did_doc(client).json()["assertionMethod"]]


def forge_with(key, template: dict) -> dict:
    """What a thief holding ``key`` signs: a new credential (another id, another name) with that key."""
    doc = dict(template)
    doc.pop("proof")
    doc["id"] = f"{services.base_url()}/credentials/00000000-0000-0000-0000-0000000000ff"
    doc["name"] = "Master of everything"
    return signing.sign_document(doc, services.private_key(key), verification_method=services.key_id(key))


def compromise(key, capture, **kwargs):
    with capture(execute=True):
        return services.declare_key_compromised(key, reason=kwargs.pop("reason", "laptop stolen"), **kwargs)


def sweep(capture):
    with capture(execute=True):
        return reissue_compromised.delay().get()


# ------------------------------------------------------------------------------------ publication before use
def test_did_document_cache_lifetime_is_the_setting(client, settings):
    assert "max-age=300" in did_doc(client)["Cache-Control"]
    settings.BADGES_DID_DOCUMENT_MAX_AGE = 600
    assert "max-age=600" in did_doc(client)["Cache-Control"]


def test_a_rotated_key_is_published_for_the_cache_lifetime_before_it_signs(client, clock):
    first = issue().signing_key
    assert first.status == "active" and first.usable_from == first.published_at  # the first key signs at once
    new = services.rotate_key()
    assert (new.status, new.usable_from - new.published_at) == ("pending", services.timedelta(seconds=MAX_AGE))
    assert assertion(client) == ["key-1", "key-2"]  # listed before it signs
    clock.advance(seconds=MAX_AGE - 1)
    assert issue().signing_key == first
    clock.advance(seconds=1)
    assert issue().signing_key == new
    first.refresh_from_db()
    new.refresh_from_db()
    assert (first.status, new.status) == ("retired", "active") and first.retired_at == clock.now
    assert assertion(client) == ["key-1", "key-2"]  # a planned rotation keeps the old key


def test_planned_rotation_keeps_old_credentials_valid_without_reissue(clock):
    cred = issue()
    services.rotate_key()
    clock.advance(seconds=MAX_AGE)
    issue()
    assert reissue_compromised.delay().get()["reissued"] == 0
    cred.refresh_from_db()
    assert cred.superseded_at is None and verify_doc(doc_of(cred)).verdict == "VALID"


# ------------------------------------------------------------------------------------ compromise
def test_a_retired_key_verifies_what_it_signed_before_its_retirement_only(clock):
    """A planned rotation keeps the old key listed, so the platform's verifier checks its retirement date against
    the registry: what it signed before stays valid; a forgery (not in the registry) or a credential the registry
    dates after the retirement is refused."""
    cred = issue()
    old_key = cred.signing_key
    services.rotate_key()
    clock.advance(seconds=MAX_AGE)
    issue()
    old_key.refresh_from_db()
    assert old_key.status == "retired"
    assert verify_doc(doc_of(cred)).verdict == "VALID"

    forged = verify_doc(forge_with(old_key, doc_of(cred)))
    assert forged.verdict != "VALID"
    assert "retired" in forged.reason

    Credential.objects.filter(pk=cred.pk).update(issued_at=old_key.retired_at + services.timedelta(seconds=1))
    late = verify_doc(doc_of(cred))
    assert late.verdict != "VALID" and "retired" in late.reason


def test_compromise_with_no_other_key_waits_for_the_new_key_then_reissues(
        client, clock, django_capture_on_commit_callbacks, mailoutbox):
    attempt = passed_attempt()
    old = services.issue_for_attempt(attempt.pk).credential
    key = old.signing_key
    compromised_at = clock.now
    compromise(key, django_capture_on_commit_callbacks)
    key.refresh_from_db()
    assert key.status == "revoked" and key.revoked_from == compromised_at and key.revocation_reason == "laptop stolen"
    assert key.history.first().history_change_reason == "compromised"
    # Out of assertionMethod at once, still listed as a revoked verification method; the successor is published.
    doc = did_doc(client).json()
    assert assertion(client) == ["key-2"]
    assert doc["verificationMethod"][0]["revoked"] == services.xsd(compromised_at)
    successor = SigningKey.objects.get(number=2)
    assert successor.status == "pending" and successor.usable_from == clock.now + services.timedelta(seconds=MAX_AGE)
    # Nothing signs before the successor has been published for the cache lifetime: issuance says until when.
    old.refresh_from_db()
    assert old.superseded_at is None and not mailoutbox
    with pytest.raises(services.KeyNotReady) as exc:
        issue()
    assert exc.value.status == 503 and exc.value.retry_at == successor.usable_from
    assert sweep(django_capture_on_commit_callbacks)["waiting_until"] == successor.usable_from.isoformat()
    clock.advance(seconds=MAX_AGE)
    result = sweep(django_capture_on_commit_callbacks)
    assert (result["reissued"], result["remaining"]) == (1, 0)
    old.refresh_from_db()
    new = old.replaced_by
    assert old.superseded_at == clock.now and new.signing_key == successor
    # Same achievement, dates and status entry; the attempt now leads to the re-issue.
    a, b = doc_of(old), doc_of(new)
    for field in ("validFrom", "validUntil", "credentialStatus", "credentialSubject", "issuer", "name", "evidence"):
        assert a.get(field) == b.get(field), field
    assert b["id"] == services.credential_url(new.pk) != a["id"]
    assert (new.status_list_id, new.status_index) == (old.status_list_id, old.status_index)
    assert (new.valid_from, new.valid_until, new.achievement_id) == (old.valid_from, old.valid_until, old.achievement_id)
    assert old.attempt_id is None and new.attempt_id == attempt.pk
    assert services.issue_for_attempt(attempt.pk).credential == new
    # The re-issue verifies, the old one does not (its key left assertionMethod), neither does a forgery.
    assert verify_doc(b).verdict == "VALID"
    assert verify_doc(a).verdict == "INVALID"
    forged = verify_doc(forge_with(key, a))
    assert forged.verdict == "INVALID" and forged.check("verification_method").ok is False
    # The status list, once signed by the compromised key, is re-signed by the successor.
    slc = json.loads(new.status_list.signed_json)
    assert slc["proof"]["verificationMethod"].endswith("#key-2") if isinstance(slc["proof"], dict) else \
        slc["proof"][0]["verificationMethod"].endswith("#key-2")
    assert len(mailoutbox) == 1


def test_compromise_with_a_published_key_reissues_at_once(clock, django_capture_on_commit_callbacks):
    old = issue()
    services.rotate_key()
    clock.advance(seconds=MAX_AGE)  # key-2 usable, not used yet
    compromise(old.signing_key, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.superseded_at is not None and old.replaced_by.signing_key.number == 2
    assert SigningKey.objects.count() == 2  # no new key was needed


def test_compromise_of_a_retired_key_reissues_with_the_active_key(clock, django_capture_on_commit_callbacks):
    old = issue()
    services.rotate_key()
    clock.advance(seconds=MAX_AGE)
    issue()  # key-2 takes over, key-1 retires
    compromise(SigningKey.objects.get(number=1), django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.replaced_by.signing_key.number == 2 and SigningKey.objects.count() == 2


def test_compromise_date_in_the_past_and_reason_required(clock):
    key = issue().signing_key
    with pytest.raises(services.IssuanceError):
        services.declare_key_compromised(key, reason="  ")
    with pytest.raises(services.IssuanceError) as exc:
        services.declare_key_compromised(key, reason="leak", compromised_from=clock.now + services.timedelta(hours=1))
    assert exc.value.status == 400
    key.refresh_from_db()
    assert key.status == "active"


def test_declaring_twice_changes_nothing(clock, django_capture_on_commit_callbacks):
    key = issue().signing_key
    compromise(key, django_capture_on_commit_callbacks)
    first = SigningKey.objects.get(pk=key.pk)
    clock.advance(hours=1)
    compromise(key, django_capture_on_commit_callbacks, reason="other")
    again = SigningKey.objects.get(pk=key.pk)
    assert (again.revoked_from, again.revocation_reason) == (first.revoked_from, first.revocation_reason)
    assert SigningKey.objects.count() == 2


def test_reissue_is_idempotent(clock, django_capture_on_commit_callbacks, mailoutbox):
    creds = [issue(), issue(), issue()]
    services.revoke_credential(creds[2], reason="Fraud")
    compromise(creds[0].signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    sweep(django_capture_on_commit_callbacks)
    for cred in creds:
        assert services.reissue_credential(cred).created is False
    assert Credential.objects.filter(replaces__isnull=False).count() == 3
    assert Credential.objects.filter(superseded_at__isnull=False).count() == 3
    for cred in creds:
        assert Credential.objects.filter(replaces=cred).count() == 1
    # A revoked credential stays revoked once re-issued (the same status bit).
    revoked = Credential.objects.get(replaces=creds[2])
    assert revoked.revoked_at and verify_doc(doc_of(revoked)).verdict == "REVOKED"
    # One e-mail per holder, even when the task runs again.
    assert len(mailoutbox) == 3
    for new in Credential.objects.filter(replaces__isnull=False):
        assert notify_reissued.delay(str(new.pk)).get() is False
    assert len(mailoutbox) == 3


def test_a_second_compromise_extends_the_chain(clock, django_capture_on_commit_callbacks):
    first = issue()
    compromise(first.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    second = Credential.objects.get(replaces=first)
    compromise(second.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    third = Credential.objects.get(replaces=second)
    assert third.signing_key.number == 3
    assert services.current_credential(Credential.objects.get(pk=first.pk)) == third
    assert verify_doc(doc_of(third)).verdict == "VALID"


# ------------------------------------------------------------------------------------ e-mails
@pytest.mark.parametrize("lang,subject,phrase", [
    ("fr", "Votre badge a été réémis : ", "Le nouveau fichier signé"),
    ("en", "Your badge has been re-issued: ", "The new signed credential"),
])
def test_holder_is_told_in_their_language_with_the_new_files(
        lang, subject, phrase, clock, django_capture_on_commit_callbacks, mailoutbox):
    user = make_user("student", preferred_language=lang)
    old = issue(user, make_achievement(name_fr="Ingénieur du son — Flow Stage Ready"))
    compromise(old.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    with translation.override("en" if lang == "fr" else "fr"):  # whoever runs it: the holder's language
        sweep(django_capture_on_commit_callbacks)
    new = Credential.objects.get(replaces=old)
    [mail] = mailoutbox
    assert mail.to == [user.email] and mail.subject.startswith(subject) and phrase in mail.body
    assert services.short_url(new.short_id) in mail.body and f"/badges/{new.pk}/" in mail.body
    files = {name: (content, mime) for name, content, mime in mail.attachments}
    assert set(files) == {"credential.json", "badge.png", "qr.png"}
    assert json.loads(files["credential.json"][0]) == doc_of(new)
    from badges import media

    assert json.loads(media.extract_credential(files["badge.png"][0])) == doc_of(new)  # baked with the new one
    assert files["qr.png"][0].startswith(b"\x89PNG")


def test_a_failed_e_mail_is_retried_not_lost(clock, django_capture_on_commit_callbacks, mailoutbox, monkeypatch):
    old = issue()
    compromise(old.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(OSError("smtp down")))
    sweep(django_capture_on_commit_callbacks)  # the re-issue stands, the e-mail failed (retries exhausted)
    new = Credential.objects.get(replaces=old)
    assert new.reissue_notified_at is None and not mailoutbox  # released: the next sweep sends it
    monkeypatch.setattr(EmailMessage, "send", real_send)
    sweep(django_capture_on_commit_callbacks)
    sweep(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1 and Credential.objects.get(pk=new.pk).reissue_notified_at is not None


# ------------------------------------------------------------------------------------ pages
def test_verify_page_of_a_superseded_credential_links_to_the_new_one(client, clock, django_capture_on_commit_callbacks):
    old = issue()
    compromise(old.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    new = Credential.objects.get(replaces=old)
    page = client.get(f"/verify/{old.pk}/").content.decode()
    assert 'id="superseded"' in page and f'href="/verify/{new.pk}/"' in page
    assert "Cette attestation a été remplacée" in page
    en = client.get(f"/en/verify/{old.pk}/").content.decode()
    assert "This credential has been superseded" in en and f'href="/en/verify/{new.pk}/"' in en
    fresh = client.get(f"/verify/{new.pk}/").content.decode()
    assert 'id="superseded"' not in fresh and 'data-verdict="VALID"' in fresh


def test_holder_sees_the_reissued_badge_once(client, clock, django_capture_on_commit_callbacks):
    user = make_user("student")
    old = issue(user)
    compromise(old.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    new = Credential.objects.get(replaces=old)
    client.force_login(user)
    resp = client.get(f"/badges/{old.pk}/")
    assert resp.status_code == 302 and resp["Location"].endswith(f"/badges/{new.pk}/")
    page = client.get("/badges/mine/").content.decode()
    assert str(new.pk) in page and str(old.pk) not in page


# ------------------------------------------------------------------------------------ admin action, command
def test_admin_action_declares_a_key_compromised(client, clock, django_capture_on_commit_callbacks):
    old = issue()
    key = old.signing_key
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = "/django-admin/badges/signingkey/"
    form = client.post(url, {"action": "declare_compromised", "_selected_action": [key.pk]})
    assert form.status_code == 200 and b'name="reason"' in form.content
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, {"action": "declare_compromised", "_selected_action": [key.pk], "apply": "1",
                                 "reason": "private key found in a public repository"})
    assert resp.status_code == 302
    key.refresh_from_db()
    assert key.status == "revoked" and key.revocation_reason == "private key found in a public repository"
    assert key.history.first().history_user == admin


def test_staff_without_the_permission_cannot_declare_a_compromise(client):
    key = issue().signing_key
    school_staff = make_user("school_admin", is_staff=True)
    client.force_login(school_staff)
    client.post("/django-admin/badges/signingkey/", {"action": "declare_compromised", "_selected_action": [key.pk],
                                                      "apply": "1", "reason": "nope"})
    key.refresh_from_db()
    assert key.status == "active"


def test_management_command(clock, capsys):
    old = issue()
    call_command("declare_key_compromised", "1", "--reason", "leak", "--reissue")
    out = capsys.readouterr().out
    assert "key-1 compromised" in out and "wait for the new key" in out
    clock.advance(seconds=MAX_AGE)
    call_command("declare_key_compromised", "--reissue")
    assert "1 credentials re-issued." in capsys.readouterr().out
    old.refresh_from_db()
    assert old.superseded_at is not None
    call_command("declare_key_compromised")
    listing = capsys.readouterr().out
    assert "key-1\trevoked" in listing and "key-2\tactive" in listing


def test_staff_revoking_while_no_key_may_sign_gets_the_reason_not_a_500(client, clock):
    from tests.confirming import post_confirmed

    cred = issue()
    services.declare_key_compromised(cred.signing_key, reason="leak")
    staff = make_user("flowstage_staff")
    client.force_login(staff)
    resp = post_confirmed(client, f"/badges/staff/{cred.pk}/revoke/", {"reason": "Issued by mistake"})
    assert resp.status_code == 302
    cred.refresh_from_db()
    assert cred.revoked_at is None
    page = client.get(resp["Location"]).content.decode()
    assert "Aucune clé de signature n’est disponible avant" in page
