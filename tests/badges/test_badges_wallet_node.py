"""End to end: a real holder-side OpenID for VCI client (Sphereon's @sphereon/oid4vci-client, tests/badges/node/
wallet.mjs) takes a badge from the live server, starting from the link on the holder's page; the credential it
receives is bound to its did:key and verifies with the platform's verifier and with Digital Bazaar's."""
import html
import json
import re
import subprocess
from urllib.parse import urlencode

import pytest

from badges import wallet
from badges.models import HolderCopy, SpentNonce, WalletOffer
from badges_testkit import doc_of, issue, verify_doc
from test_badges_node_verifier import node_verifier, run_node  # noqa: F401 (fixture: installs the npm packages once)
from tests.factories import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def offer_link_on_the_page(client, holder, cred) -> str:
    client.force_login(holder)
    page = client.post(f"/badges/{cred.pk}/wallet/", follow=True).content.decode()
    link = re.search(r'href="([^"]+)" data-wallet-link', page)
    assert link, "no wallet link on the holder's page"
    return html.unescape(link.group(1))


def run_wallet(node_verifier, tmp_path, link: str, *mode: str) -> dict:  # noqa: F811
    node, verify_script = node_verifier
    out = tmp_path / "wallet.json"
    proc = subprocess.run([node, verify_script.replace("verify.mjs", "wallet.mjs"), link, str(out), *mode],
                          capture_output=True, text=True, timeout=120)
    result = json.loads(out.read_text()) if out.exists() else {"error": proc.stderr[-2000:]}
    result["exit"] = proc.returncode
    return result


def test_sphereons_wallet_takes_the_badge_bound_to_its_did(live_server, settings, client, node_verifier,  # noqa: F811
                                                           tmp_path):
    settings.PUBLIC_BASE_URL = live_server.url
    holder = make_user("student")
    cred = issue(holder)
    link = offer_link_on_the_page(client, holder, cred)
    assert link == "openid-credential-offer://?" + urlencode({"credential_offer_uri": wallet.offer_url(
        WalletOffer.objects.get())}) and wallet.offer_url(WalletOffer.objects.get()).startswith(live_server.url)

    result = run_wallet(node_verifier, tmp_path, link)
    assert result["exit"] == 0 and "error" not in result, result.get("error")
    assert result["metadata"]["credential_endpoint"] == wallet.credential_endpoint()
    doc = result["credential"]
    assert doc["credentialSubject"]["id"] == result["did"] and result["did"].startswith("did:key:z6Mk")
    assert doc["credentialStatus"] == doc_of(cred)["credentialStatus"]
    assert HolderCopy.objects.get().holder_did == result["did"]

    assert verify_doc(doc).verdict == "VALID"
    js = run_node(node_verifier, tmp_path, doc)
    assert js["verified"] is True and js["signature"] is True and js["statusChecked"] is True, js

    # The offer worked once: the same link again gets nothing.
    again = run_wallet(node_verifier, tmp_path, link)
    assert again["exit"] == 1 and "credential" not in again
    assert "http code 404" in again["error"]  # the offer's URL answers nothing once its code is used
    assert HolderCopy.objects.count() == 1 and WalletOffer.objects.get().completed_at is not None


def test_sphereons_wallet_with_a_nonce_of_the_nonce_endpoint(live_server, settings, client, node_verifier,  # noqa: F811
                                                             tmp_path):
    """OpenID for VCI 1.0's way: the client reads ``nonce_endpoint`` in the issuer metadata, POSTs to it and signs its
    key proof with that nonce instead of the token response's; the nonce is spent with the copy."""
    settings.PUBLIC_BASE_URL = live_server.url
    holder = make_user("student")
    cred = issue(holder)
    result = run_wallet(node_verifier, tmp_path, offer_link_on_the_page(client, holder, cred), "nonce-endpoint")
    assert result["exit"] == 0 and "error" not in result, result.get("error")
    assert result["metadata"]["nonce_endpoint"] == wallet.nonce_endpoint()
    assert result["nonce"] != result["tokenNonce"] and wallet.valid_nonce(result["nonce"])
    assert SpentNonce.objects.get().digest == wallet._sha256(result["nonce"])
    doc = result["credential"]
    assert doc["credentialSubject"]["id"] == result["did"] and verify_doc(doc).verdict == "VALID"


def test_a_wallet_with_an_expired_offer_gets_nothing(live_server, settings, client, node_verifier, tmp_path):  # noqa: F811
    settings.PUBLIC_BASE_URL = live_server.url
    settings.BADGES_WALLET_OFFER_SECONDS = 0
    holder = make_user("student")
    cred = issue(holder)
    offer = wallet.create_offer(cred)
    result = run_wallet(node_verifier, tmp_path, wallet.offer_link(offer))
    assert result["exit"] == 1 and "http code 404" in result["error"] and not HolderCopy.objects.exists()


def run_didauth(node_verifier, tmp_path, link: str, suite: str = "eddsa-rdfc-2022") -> dict:  # noqa: F811
    from badges.contexts import DID_AUTH_CONTEXTS

    node, verify_script = node_verifier
    inp, out = tmp_path / "didauth-in.json", tmp_path / "didauth-out.json"
    inp.write_text(json.dumps({"contexts": {url: str(c.path) for url, c in DID_AUTH_CONTEXTS.items()},
                               "suite": suite}))
    proc = subprocess.run([node, verify_script.replace("verify.mjs", "didauth.mjs"), link, str(inp), str(out)],
                          capture_output=True, text=True, timeout=120)
    result = json.loads(out.read_text()) if out.exists() else {"error": proc.stderr[-2000:]}
    result["exit"] = proc.returncode
    return result


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_a_did_authentication_signed_by_digital_bazaars_vc_gets_the_badge(live_server, settings, client,  # noqa: F811
                                                                         node_verifier, tmp_path, suite):
    """The VC-API exchange of the Learner Credential Wallet, the wallet's side played by @digitalbazaar/vc: a VC 2.0
    presentation with eddsa-rdfc-2022, or a VC 1.1 one with Ed25519Signature2020 (what that wallet signs with)."""
    settings.PUBLIC_BASE_URL = live_server.url
    holder = make_user("student")
    cred = issue(holder)
    client.force_login(holder)
    page = client.post(f"/badges/{cred.pk}/wallet/", follow=True).content.decode()
    link = html.unescape(re.search(r'href="([^"]+)" data-wallet-lcw-link', page).group(1))
    assert link == wallet.lcw_link(WalletOffer.objects.get())

    result = run_didauth(node_verifier, tmp_path, link, suite)
    assert result["exit"] == 0 and "error" not in result, result.get("error")
    proof = result["sent"]["proof"]
    assert (proof.get("cryptosuite") if suite == "eddsa-rdfc-2022" else proof["type"]) == suite
    [doc] = result["presentation"]["verifiableCredential"]
    assert doc["credentialSubject"]["id"] == result["did"] and result["did"].startswith("did:key:z6Mk")
    assert HolderCopy.objects.get().holder_did == result["did"]
    assert verify_doc(doc).verdict == "VALID"
    js = run_node(node_verifier, tmp_path, doc)
    assert js["verified"] is True, js

    again = run_didauth(node_verifier, tmp_path, link, suite)  # the offer worked once
    assert again["exit"] == 1 and "HTTP 404" in again["error"] and HolderCopy.objects.count() == 1
