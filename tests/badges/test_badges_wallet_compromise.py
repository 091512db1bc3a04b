"""Wallet copies after a key compromise (badges.wallet.resign_copies, services.reissue_compromised and
notify_reissued): a copy signed by a compromised key verifies nowhere, so the sweep re-signs it with the new key for
the same DID, of the re-issued credential (same status entry), supersedes the old one and tells the holder in the same
e-mail, with the new copy attached; the badge's page asks them to replace it, with a fresh offer and the file. Re-runs
change nothing."""
import json
import threading

import pytest
from django.utils import translation

from badges import services, wallet
from badges.models import Credential, HolderCopy, SigningKey
from badges.tasks import notify_reissued, reissue_compromised
from badges_testkit import clock, doc_of, issue, verify_doc  # noqa: F401
from tests.factories import make_user
from wallet_testkit import Wallet, take_badge

pytestmark = pytest.mark.django_db
MAX_AGE = 300


def compromise(key, capture):
    with capture(execute=True):
        services.declare_key_compromised(key, reason="laptop stolen")


def sweep(capture):
    with capture(execute=True):
        return reissue_compromised.delay().get()


def attachments(mail) -> dict:
    return {name: content for name, content, _mime in mail.attachments}


# ------------------------------------------------------------------------------------ with the credential's re-issue
def test_the_copy_is_re_signed_with_the_re_issue_for_the_same_did_and_the_holder_told_once(
        client, clock, django_capture_on_commit_callbacks, mailoutbox):
    holder = make_user("student", preferred_language="en")
    cred = issue(holder)
    old_copy, w = take_badge(cred)
    assert verify_doc(doc_of(old_copy)).verdict == "VALID"
    key = cred.signing_key
    compromise(key, django_capture_on_commit_callbacks)
    assert verify_doc(doc_of(old_copy)).verdict == "INVALID"  # at once: the key left assertionMethod
    clock.advance(seconds=MAX_AGE)
    result = sweep(django_capture_on_commit_callbacks)
    assert (result["reissued"], result["remaining"]) == (1, 0)

    new_cred = Credential.objects.get(replaces=cred)
    old_copy.refresh_from_db()
    new_copy = old_copy.replaced_by
    assert old_copy.superseded_at is not None and new_copy.superseded_at is None
    assert (new_copy.credential, new_copy.holder_did, new_copy.offer) == (new_cred, w.did, None)
    assert new_copy.signing_key != key and new_copy.signing_key.status == SigningKey.Status.ACTIVE
    old_doc, new_doc = doc_of(old_copy), doc_of(new_copy)
    # the old copy no longer verifies (our verifier), the new one does, bound to the same holder DID
    assert verify_doc(old_doc).verdict == "INVALID"
    report = verify_doc(new_doc)
    assert report.verdict == "VALID", report.as_dict()
    assert new_doc["credentialSubject"]["id"] == old_doc["credentialSubject"]["id"] == w.did
    # made of the re-issued credential as the copy rules say: its own urn:uuid id, the same status entry and content
    assert new_doc["id"] == f"urn:uuid:{new_copy.pk}" != old_doc["id"]
    assert new_doc["credentialStatus"] == doc_of(new_cred)["credentialStatus"] == old_doc["credentialStatus"]
    for field in ("validFrom", "validUntil", "issuer", "name", "type"):
        assert new_doc.get(field) == old_doc.get(field), field
    assert new_doc["credentialSubject"]["achievement"] == old_doc["credentialSubject"]["achievement"]
    services.revoke_credential(new_cred, reason="Fraud")  # still one status bit for the badge and its copies
    assert verify_doc(new_doc).verdict == "REVOKED"

    # One e-mail says both: the re-issue and the copy to replace, attached, named by its wallet's DID.
    [mail] = mailoutbox
    files = attachments(mail)
    assert set(files) == {"credential.json", "badge.png", "qr.png", "wallet-copy.json"}
    assert json.loads(files["wallet-copy.json"]) == new_doc
    assert "wallet-copy.json" in mail.body and w.did in mail.body and "no longer verifies: replace it" in mail.body
    new_copy.refresh_from_db()
    assert new_copy.notified_at is not None

    # A second sweep, and the e-mail task again, do nothing.
    again = sweep(django_capture_on_commit_callbacks)
    assert (again["reissued"], again["copies_resigned"], again["remaining"]) == (0, 0, 0)
    assert notify_reissued.delay(str(new_cred.pk)).get() is False
    assert HolderCopy.objects.count() == 2 and len(mailoutbox) == 1
    assert services.reissue_credential(cred).created is False and HolderCopy.objects.count() == 2


def test_every_wallet_gets_its_own_copy_in_one_e_mail(clock, django_capture_on_commit_callbacks, mailoutbox):
    cred = issue(make_user("student", preferred_language="fr"))
    (first, w1), (second, w2) = take_badge(cred), take_badge(cred)
    compromise(cred.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    new = {c.holder_did: c for c in HolderCopy.objects.filter(replaces__isnull=False)}
    assert set(new) == {w1.did, w2.did}
    [mail] = mailoutbox
    files = attachments(mail)
    assert {json.loads(files["wallet-copy-1.json"])["credentialSubject"]["id"],
            json.loads(files["wallet-copy-2.json"])["credentialSubject"]["id"]} == {w1.did, w2.did}
    assert "La copie de ce badge dans votre portefeuille numérique ne se vérifie plus" in mail.body
    for name in ("wallet-copy-1.json", "wallet-copy-2.json"):  # each file named with its wallet's DID
        did = json.loads(files[name])["credentialSubject"]["id"]
        assert f"- {name}, pour le portefeuille {did}\n" in mail.body
    assert {first.holder_did, second.holder_did} == {w1.did, w2.did}


# ------------------------------------------------------------------------------------ the copy alone
@pytest.mark.parametrize("lang,subject,phrase", [
    ("fr", "Remplacez votre badge dans votre portefeuille : ", "Votre badge lui-même ne change pas"),
    ("en", "Replace your badge in your wallet: ", "Your badge itself does not change"),
])
def test_a_copy_signed_by_a_later_key_is_re_signed_alone(lang, subject, phrase, clock,
                                                         django_capture_on_commit_callbacks, mailoutbox):
    """The badge was signed by key-1, its copy later by key-2 (a planned rotation in between); key-2 is compromised:
    the badge stays as it is, the copy is re-signed (key-3) of the same credential and the holder told of the copy
    only."""
    holder = make_user("student", preferred_language=lang)
    cred = issue(holder)
    services.rotate_key()
    clock.advance(seconds=MAX_AGE)
    services.signing_key()  # key-2 takes over, key-1 retires
    old_copy, w = take_badge(cred)
    assert old_copy.signing_key.number == 2
    compromise(old_copy.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    result = sweep(django_capture_on_commit_callbacks)
    assert (result["reissued"], result["copies_resigned"], result["remaining"]) == (0, 1, 0)
    cred.refresh_from_db()
    assert cred.superseded_at is None and verify_doc(doc_of(cred)).verdict == "VALID"
    old_copy.refresh_from_db()
    new_copy = old_copy.replaced_by
    assert (new_copy.credential, new_copy.holder_did, new_copy.signing_key.number) == (cred, w.did, 3)
    assert verify_doc(doc_of(old_copy)).verdict == "INVALID" and verify_doc(doc_of(new_copy)).verdict == "VALID"
    [mail] = mailoutbox
    assert mail.subject.startswith(subject) and phrase in mail.body and w.did in mail.body
    assert set(attachments(mail)) == {"wallet-copy.json"}
    assert json.loads(attachments(mail)["wallet-copy.json"]) == doc_of(new_copy)
    assert sweep(django_capture_on_commit_callbacks)["copies_resigned"] == 0 and len(mailoutbox) == 1
    assert notify_reissued.delay(str(cred.pk)).get() is False


def test_a_failed_e_mail_about_a_copy_is_sent_by_the_next_sweep(clock, django_capture_on_commit_callbacks, mailoutbox,
                                                                monkeypatch):
    cred = issue()
    services.rotate_key()
    clock.advance(seconds=MAX_AGE)
    services.signing_key()
    old_copy, _w = take_badge(cred)
    compromise(old_copy.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(OSError("smtp down")))
    sweep(django_capture_on_commit_callbacks)  # re-signed; the e-mail failed (retries exhausted), its claim released
    new_copy = HolderCopy.objects.get(replaces=old_copy)
    assert new_copy.notified_at is None and not mailoutbox
    monkeypatch.setattr(EmailMessage, "send", real_send)
    sweep(django_capture_on_commit_callbacks)
    sweep(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1 and HolderCopy.objects.get(pk=new_copy.pk).notified_at is not None
    assert HolderCopy.objects.count() == 2


# ------------------------------------------------------------------------------------ the holder's page
def test_the_badge_page_asks_to_replace_the_copy_with_a_fresh_offer_and_the_file(
        client, clock, django_capture_on_commit_callbacks):
    holder = make_user("student")
    cred = issue(holder)
    old_copy, w = take_badge(cred)
    client.force_login(holder)
    assert "data-wallet-replace" not in client.get(f"/badges/{cred.pk}/").content.decode()
    compromise(cred.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    new_cred = Credential.objects.get(replaces=cred)
    new_copy = HolderCopy.objects.get(replaces=old_copy)

    with translation.override("fr"):
        page = client.get(f"/badges/{new_cred.pk}/").content.decode()
    assert "data-wallet-replace" in page and "Remplacez ce badge dans votre portefeuille" in page
    download = f"/badges/{new_cred.pk}/wallet/copies/{new_copy.pk}.json"
    assert download in page and "data-wallet-replace-offer" in page
    en = client.get(f"/en/badges/{new_cred.pk}/").content.decode()
    assert "Replace this badge in your wallet" in en and "Download the re-signed copy (JSON)" in en
    resp = client.get(download)
    assert resp.status_code == 200 and json.loads(resp.content) == doc_of(new_copy)
    assert resp["Content-Disposition"].startswith("attachment;") and "no-store" in resp["Cache-Control"]
    # the superseded copy, or a copy under another badge's address, is not served
    assert client.get(f"/badges/{new_cred.pk}/wallet/copies/{old_copy.pk}.json").status_code == 404
    assert client.get(f"/badges/{cred.pk}/wallet/copies/{new_copy.pk}.json").status_code == 404
    for intruder in (make_user("student"), make_user("flowstage_staff")):
        client.force_login(intruder)
        assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # to the login page

    # The fresh offer from the notice: the wallet takes the badge again, and the notice goes.
    client.force_login(holder)
    resp = client.post(f"/badges/{new_cred.pk}/wallet/")
    assert resp.status_code == 302 and "wallet=" in resp["Location"]
    page = client.get(resp["Location"]).content.decode()
    assert "data-wallet-qr" in page and 'href="#wallet"' in page  # the notice points to the new offer's QR code
    take_badge(new_cred, w)
    assert "data-wallet-replace" not in client.get(f"/badges/{new_cred.pk}/").content.decode()


def test_no_notice_on_a_revoked_badge(client, clock, django_capture_on_commit_callbacks):
    holder = make_user("student")
    cred = issue(holder)
    take_badge(cred)
    compromise(cred.signing_key, django_capture_on_commit_callbacks)
    clock.advance(seconds=MAX_AGE)
    sweep(django_capture_on_commit_callbacks)
    new_cred = Credential.objects.get(replaces=cred)
    services.revoke_credential(new_cred, reason="Fraud")
    client.force_login(holder)
    page = client.get(f"/badges/{new_cred.pk}/").content.decode()
    assert "data-wallet-replace" not in page and "data-wallet-refusal" in page


# ------------------------------------------------------------------------------------ a wallet taking the badge meanwhile
@pytest.mark.django_db(transaction=True)
def test_a_copy_made_while_the_credential_is_re_issued_is_made_of_the_re_issue(student):
    """A wallet finishing its exchange while the sweep re-issues the credential: either the sweep sees the copy (and
    re-signs it) or the copy is made of the re-issue; never a live copy of a superseded credential (services run)."""
    from django.db import connection

    from test_badges_key_races import run_at_once

    if connection.vendor == "sqlite":
        pytest.skip("needs a database with row locks and concurrent connections (services run)")
    cred = issue(student)
    assert cred.signing_key.number == 1
    services.rotate_key()  # key-2, made usable at once; key-1 compromised (without the sweep it would enqueue)
    SigningKey.objects.filter(number=2).update(usable_from=SigningKey.objects.get(number=2).published_at)
    SigningKey.objects.filter(number=1).update(status=SigningKey.Status.REVOKED, revocation_reason="leak")
    offer = wallet.create_offer(cred)
    grant = wallet.redeem_code(wallet.PRE_AUTHORIZED_GRANT, wallet.pre_authorized_code(offer))
    holder_offer = wallet.authorised_offer(f"Bearer {grant['access_token']}")
    w = Wallet()
    body = {"credential_configuration_id": wallet.CONFIGURATION_ID,
            "proof": {"proof_type": "jwt", "jwt": w.proof(aud=services.base_url(), nonce=grant["c_nonce"])}}
    calls = iter([lambda: services.reissue_credential(cred), lambda: wallet.deliver(holder_offer, body)])
    lock = threading.Lock()

    def one():
        with lock:
            call = next(calls)
        return call()

    results, errors = run_at_once(one, n=2)
    assert not errors, errors
    new_cred = Credential.objects.get(replaces=cred)
    live = list(HolderCopy.objects.filter(superseded_at__isnull=True))
    assert [c.credential_id for c in live] == [new_cred.pk] and live[0].holder_did == w.did
