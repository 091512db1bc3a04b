"""Independent verification with Digital Bazaar's JavaScript libraries (offline), of credentials the
platform issued: signature (eddsa-rdfc-2022), key authority (assertionMethod of the DID document) and
the Bitstring Status List. The npm packages are installed once into var/node_verifier (cached)."""
import json
import shutil
import subprocess

import pytest

from badges import services
from badges.contexts import PRODUCTION_CONTEXTS
from badges.models import StatusList
from badges_testkit import doc_of, install_node_verifier, issue

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session")
def node_verifier():
    try:
        cache = install_node_verifier()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    return [shutil.which("node"), str(cache / "verify.mjs")]


def run_node(node_verifier, tmp_path, credential: dict, **extra) -> dict:
    documents = {services.issuer_did(): services.did_document()}
    for sl in StatusList.objects.all():
        documents[services.status_list_url(sl.number)] = json.loads(sl.signed_json)
    payload = {"credential": credential, "documents": documents,
               "contexts": {url: str(c.path) for url, c in PRODUCTION_CONTEXTS.items()}, **extra}
    path = tmp_path / "input.json"
    path.write_text(json.dumps(payload))
    proc = subprocess.run([*node_verifier, str(path)], capture_output=True, text=True, timeout=120)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["exit"] = proc.returncode
    return result


def test_digital_bazaar_verifies_a_platform_credential(node_verifier, tmp_path):
    cred = issue()
    result = run_node(node_verifier, tmp_path, doc_of(cred))
    assert result == {"verified": True, "signature": True, "statusChecked": True, "revoked": False,
                      "errors": [], "exit": 0}


def test_digital_bazaar_sees_the_revocation_bit(node_verifier, tmp_path):
    cred = issue()
    services.revoke_credential(cred, reason="Fraud")
    result = run_node(node_verifier, tmp_path, doc_of(cred))
    assert result["signature"] is True and result["revoked"] is True and result["exit"] == 1


def test_digital_bazaar_rejects_a_changed_field(node_verifier, tmp_path):
    doc = doc_of(issue())
    doc["name"] = "Something else"
    result = run_node(node_verifier, tmp_path, doc)
    assert result["signature"] is False and result["exit"] == 1


def test_old_credentials_still_verify_after_rotation(node_verifier, tmp_path):
    cred = issue()
    services.rotate_key()
    services.revoke_credential(issue(), reason="status list re-signed with the new key")
    result = run_node(node_verifier, tmp_path, doc_of(cred))
    assert result["verified"] is True, result
