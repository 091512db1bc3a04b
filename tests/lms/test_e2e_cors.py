"""CORS as a browser enforces it (Chromium): a script of another origin, standing for a web wallet or a browser
verifier, reads the public documents and talks to the wallet endpoints (preflights included), and cannot read what the
holder's session cookie opens, even when the holder is signed in and the script asks for credentials."""
import json
import threading
from urllib.parse import urlsplit

import pytest

from tests.badges.badges_testkit import issue
from tests.conftest import login_in_browser
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FETCH = """async ([url, init]) => {
  try {
    const r = await fetch(url, init);
    return {ok: true, status: r.status, body: await r.text(), wwwAuthenticate: r.headers.get('WWW-Authenticate')};
  } catch (e) { return {ok: false, error: String(e)}; }
}"""


@pytest.fixture
def wallet_site():
    """Another site on this machine (another port: another origin, in the same loopback address space, so that
    Chromium's local network rules do not stand in the way): one page, a web wallet's, with no CSP of ours."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"<!doctype html><title>wallet</title><p>a web wallet</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_another_origin_reads_the_public_and_wallet_endpoints_and_nothing_of_the_session(live_server, browser,
                                                                                        settings, wallet_site):
    settings.PUBLIC_BASE_URL = live_server.url
    holder = make_user("student")
    cred = issue(holder)
    server = live_server.url
    page = browser.new_page()
    login_in_browser(page, server, holder.email)  # the holder is signed in on the platform
    page.goto(f"{wallet_site}/wallet-app")
    assert page.evaluate("location.origin") == wallet_site != server

    def call(path, **init):
        return page.evaluate(FETCH, [f"{server}{path}", init])

    meta = call("/.well-known/openid-credential-issuer")
    assert meta["ok"] and meta["status"] == 200, meta
    assert json.loads(meta["body"])["nonce_endpoint"].endswith("/api/v1/wallet/oid4vci/nonce")
    did = call("/.well-known/did.json")
    assert did["ok"] and json.loads(did["body"])["id"].startswith("did:web:")
    as_json = call(f"/credentials/{cred.pk}", headers={"Accept": "application/vc+ld+json"})
    assert as_json["ok"] and json.loads(as_json["body"])["id"].endswith(str(cred.pk)), as_json
    status = call(urlsplit(json.loads(cred.signed_json)["credentialStatus"]["statusListCredential"]).path)
    assert status["ok"] and status["status"] == 200
    # non-simple requests: the browser sends a preflight first, which the platform answers
    nonce = call("/api/v1/wallet/oid4vci/nonce", method="POST", headers={"Content-Type": "application/json"},
                 body="{}")
    assert nonce["ok"] and json.loads(nonce["body"])["c_nonce"], nonce
    refused = call("/api/v1/wallet/oid4vci/credential", method="POST", body="{}",
                   headers={"Content-Type": "application/json", "Authorization": "Bearer not-a-token"})
    assert refused["ok"] and refused["status"] == 401, refused  # the wallet reads the error and why
    assert json.loads(refused["body"])["error"] == "invalid_token" and "invalid_token" in refused["wwwAuthenticate"]
    # what the session opens stays closed to the other origin, with or without the cookie
    for path in [f"/badges/{cred.pk}/credential.json", "/api/v1/credentials/mine", f"/badges/{cred.pk}/"]:
        for credentials in ("include", "omit"):
            result = call(path, credentials=credentials)
            assert not result["ok"] and "Failed to fetch" in result["error"], (path, credentials, result)
    offer = call(f"/badges/{cred.pk}/wallet/", method="POST", credentials="include",
                 headers={"Content-Type": "application/json"}, body="{}")
    assert not offer["ok"]  # the preflight got no allowance: the POST was never sent
    from badges.models import WalletOffer

    assert not WalletOffer.objects.exists()
    # the control: on the platform's own origin the same session reads its badge
    page.goto(f"{server}/badges/{cred.pk}/")
    mine = page.evaluate(FETCH, [f"/badges/{cred.pk}/credential.json", {}])
    assert mine["ok"] and mine["status"] == 200 and json.loads(mine["body"])["id"]
