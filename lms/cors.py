"""Cross-origin reads of what browser-based wallets and verifiers call: one table of paths, one middleware.

A web wallet or a verifier running in a page of another site calls the issuer's metadata, token, nonce and credential
endpoints, the VC-API exchange, and fetches the public documents a verification needs (DID document, issuer profile,
status lists, credentials, achievements). Those answer ``Access-Control-Allow-Origin: *`` and their preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered here, before any view. Every one of them is public
or takes a bearer token in ``Authorization``; none reads the session cookie. ``*`` never goes with
``Access-Control-Allow-Credentials`` (browsers refuse the pair): a cross-origin script may read these answers only
when its request carried no cookie, so it only ever sees what anyone sees.

Every other path gets no CORS header at all: the holder's pages, the staff pages and the JSON API's session-or-token
operations stay same-origin (tests/lms/test_cors.py walks the authorisation matrix's routes to hold it).

django-cors-headers was not used: it is not among the installed packages, and its policy is one set of origins,
methods and headers for every path its regular expression matches, where each path here allows its own methods.
"""
import re

from django.http import HttpResponse

GET = ("GET", "HEAD")
POST = ("POST",)
# request headers a preflight may ask for: a bearer token and a JSON or form body on the wallet endpoints. No DPoP:
# the issuer does not advertise DPoP (no dpop_signing_alg_values_supported), so no wallet sends one
DOCUMENT_HEADERS = ("Accept", "Accept-Language")
WALLET_HEADERS = ("Authorization", "Content-Type", "Accept", "Accept-Language")
# response headers a cross-origin script may read beyond the safelisted ones: why a token was refused, when to retry
EXPOSE = "WWW-Authenticate, Retry-After"
MAX_AGE = 7200  # seconds a browser may cache a preflight (Chromium's ceiling; Firefox allows a day)

_UUID = r"[0-9a-fA-F-]{36}"
_LANG = r"(?:[a-z]{2}(?:-[a-z]+)?/)?"  # the verification page in another language than the default (/en/verify/…)
PUBLIC_PATHS = [(re.compile(pattern), methods, headers) for pattern, methods, headers in [
    # the issuer: DID document, OpenID for VCI and OAuth metadata, profile and logo (lms/urls.py → badges.public_urls)
    (r"/\.well-known/(?:did\.json|openid-credential-issuer|oauth-authorization-server)", GET, DOCUMENT_HEADERS),
    (r"/issuer\.json|/issuer/image\.png", GET, DOCUMENT_HEADERS),
    # what a credential names: its id, its status list, its achievement and its images; the QR code's short link
    # and the verification page, which answer the credential to a client asking for JSON; the offline trust bundle
    (r"/status/[0-9]+", GET, DOCUMENT_HEADERS),
    (rf"/credentials/{_UUID}", GET, DOCUMENT_HEADERS),
    (r"/achievements/[-\w]+(?:/image\.(?:png|svg))?", GET, DOCUMENT_HEADERS),
    (r"/v/[-\w]+/", GET, DOCUMENT_HEADERS),
    (rf"/{_LANG}verify/{_UUID}/", GET, DOCUMENT_HEADERS),
    (r"/verify/scan/trust\.json", GET, DOCUMENT_HEADERS),
    # the wallet protocols (badges.wallet_api): the offer, token, nonce and credential endpoints, the VC-API exchange
    (r"/api/v1/wallet/oid4vci/offers/[^/]+", GET, WALLET_HEADERS),
    (r"/api/v1/wallet/oid4vci/(?:token|nonce|credential)", POST, WALLET_HEADERS),
    (r"/api/v1/wallet/exchanges/[^/]+", POST, WALLET_HEADERS),
]]


def policy_for(path: str):
    """``(methods, request headers)`` a cross-origin caller may use at ``path``, or None: no CORS there."""
    for pattern, methods, headers in PUBLIC_PATHS:
        if pattern.fullmatch(path):
            return methods, headers
    return None


class PublicCorsMiddleware:
    """Answers the preflight of the public paths (``PUBLIC_PATHS``) and marks their answers readable from any origin,
    errors included (a wallet reads the ``error`` of a refused request). Other paths pass through untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = policy_for(request.path_info)
        if policy is None:
            return self.get_response(request)
        methods, headers = policy
        if request.method == "OPTIONS":
            return self.preflight(request, methods, headers)
        response = self.get_response(request)
        if request.method in methods:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSE
        return response

    @staticmethod
    def preflight(request, methods, headers) -> HttpResponse:
        """204 with ``Allow``; and the CORS allowance when the browser asks for a method the path takes (any other
        method gets none, and the browser does not send the request)."""
        response = HttpResponse(status=204)
        response["Allow"] = ", ".join((*methods, "OPTIONS"))
        asked = request.headers.get("Access-Control-Request-Method", "")
        if "Origin" in request.headers and asked in methods:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = ", ".join(methods)
            response["Access-Control-Allow-Headers"] = ", ".join(headers)
            response["Access-Control-Max-Age"] = str(MAX_AGE)
        return response
