"""A compromised key stops forged badges everywhere, proved with an independent verifier: Digital Bazaar's
JavaScript libraries (tests/badges/node, offline; skipped with the reason when Node.js is missing), fed the DID
document as the platform serves it over HTTP and the bundled contexts. Before the compromise is declared, a
credential forged with the stolen key verifies there (the test can fail); after it, the forgery is refused because
the key left assertionMethod, the re-issued credentials verify, and the platform's own verifier agrees. The same for
the copy a holder's wallet holds: the old one is refused, the one re-signed for the same DID verifies."""
import json

import pytest

from badges import services, signing
from badges.contexts import PRODUCTION_CONTEXTS
from badges.models import Credential, HolderCopy, StatusList
from badges.tasks import reissue_compromised
from badges_testkit import clock, doc_of, issue, revoked_keys_stay_listed, verify_doc  # noqa: F401
from test_badges_node_verifier import node_verifier  # noqa: F401 (fixture: installs the npm packages once)
from wallet_testkit import take_badge

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def run_js(node_verifier, tmp_path, client, credential: dict) -> dict:  # noqa: F811
    """The JS verifier's verdict, with the DID document and status lists as served over HTTP."""
    import subprocess

    documents = {services.issuer_did(): client.get("/.well-known/did.json").json()}
    for sl in StatusList.objects.all():
        documents[services.status_list_url(sl.number)] = client.get(f"/status/{sl.number}").json()
    payload = {"credential": credential, "documents": documents,
               "contexts": {url: str(c.path) for url, c in PRODUCTION_CONTEXTS.items()}}
    path = tmp_path / f"input-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(payload))
    proc = subprocess.run([*node_verifier, str(path)], capture_output=True, text=True, timeout=120)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["exit"] = proc.returncode
    return result


def forge(key, template: dict) -> dict:
    """A new credential signed with ``key`` by whoever holds it: another id, another name."""
    doc = dict(template)
    doc.pop("proof")
    doc["id"] = f"{services.base_url()}/credentials/00000000-0000-0000-0000-0000000000ff"
    doc["name"] = "Forged: Master of everything"
    return signing.sign_document(doc, services.private_key(key), verification_method=services.key_id(key))


def test_independent_verifier_refuses_forgeries_after_a_compromise_and_accepts_the_reissues(
        node_verifier, tmp_path, client, clock, django_capture_on_commit_callbacks):  # noqa: F811
    creds = [issue(), issue()]
    key = creds[0].signing_key
    old_copy, w = take_badge(creds[0])  # the holder put the first badge in a wallet
    assert run_js(node_verifier, tmp_path, client, json.loads(old_copy.signed_json))["verified"] is True
    # Control: before the compromise, a forgery with the key is indistinguishable from a credential.
    before = run_js(node_verifier, tmp_path, client, forge(key, doc_of(creds[0])))
    assert before["verified"] is True, before
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_key_compromised(key, reason="private key leaked")
    forged = forge(key, doc_of(creds[0]))  # the thief keeps signing
    js = run_js(node_verifier, tmp_path, client, forged)
    assert js["verified"] is False and js["signature"] is False and js["exit"] == 1, js
    assert any("assertionMethod" in e or "not authorized" in e.lower() for e in js["errors"]), js
    assert verify_doc(forged).verdict == "INVALID"  # the platform agrees
    # The new key signs once it has been published for the DID document's cache lifetime: the re-issuance runs.
    clock.advance(seconds=services.did_document_max_age())
    with django_capture_on_commit_callbacks(execute=True):
        assert reissue_compromised.delay().get()["reissued"] == 2
    for old in creds:
        new = Credential.objects.get(replaces=old)
        js = run_js(node_verifier, tmp_path, client, doc_of(new))
        assert js == {"verified": True, "signature": True, "statusChecked": True, "revoked": False,
                      "errors": [], "exit": 0}, js
        assert verify_doc(doc_of(new)).verdict == "VALID"
        # what the compromised key signed, genuine or not, no longer verifies anywhere
        assert run_js(node_verifier, tmp_path, client, doc_of(old))["signature"] is False
        assert verify_doc(doc_of(old)).verdict == "INVALID"
    # The wallet's copy: the old one refused everywhere, the re-signed one (same DID) verifies everywhere.
    new_copy = HolderCopy.objects.get(replaces=old_copy)
    old_doc, new_doc = json.loads(old_copy.signed_json), json.loads(new_copy.signed_json)
    assert new_doc["credentialSubject"]["id"] == w.did
    js = run_js(node_verifier, tmp_path, client, old_doc)
    assert js["verified"] is False and js["signature"] is False, js
    assert verify_doc(old_doc).verdict == "INVALID"
    js = run_js(node_verifier, tmp_path, client, new_doc)
    assert js == {"verified": True, "signature": True, "statusChecked": True, "revoked": False, "errors": [],
                  "exit": 0}, js
    assert verify_doc(new_doc).verdict == "VALID"
    # A forgery made after the re-issuance is refused too.
    assert run_js(node_verifier, tmp_path, client, forge(key, doc_of(creds[1])))["verified"] is False


def test_why_revoked_is_not_enough(node_verifier, tmp_path, client, revoked_keys_stay_listed):  # noqa: F811
    """The issue as reported: a DID document that keeps the compromised key under assertionMethod, marked only
    ``revoked``. The platform's verifier refuses the forgery (its registry), the independent one accepts it."""
    cred = issue()
    services.declare_key_compromised(cred.signing_key, reason="leak")
    forged = forge(cred.signing_key, doc_of(cred))
    assert verify_doc(forged).verdict == "INVALID"
    assert run_js(node_verifier, tmp_path, client, forged)["signature"] is True
