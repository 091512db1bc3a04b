"""The wallet protocols' endpoints, mounted at /api/v1/wallet (OpenAPI: /api/v1/docs). The use cases are
``badges.wallet``'s; here only HTTP: bodies bounded and parsed, errors as the protocols write them
(``{"error", "error_description"}`` with 400 or 401, never a 500), rate limited per client. The metadata documents
are under /.well-known (``badges.public_views``)."""
import json
from urllib.parse import parse_qs
from uuid import UUID

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from badges import services, wallet
from lms.throttle import rate_limit_response, rate_limited

router = Router(tags=["wallets (OpenID for VCI, VC-API exchange)"])

MAX_BODY_BYTES = 16 * 1024  # a token request is a few hundred bytes, a credential request about a kilobyte
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"}, "error_description": {"type": "string"},
    "c_nonce": {"type": "string", "description": "with invalid_proof and invalid_nonce: a fresh nonce to try again"},
    "c_nonce_expires_in": {"type": "integer"}}}


def _error(exc: wallet.WalletError) -> JsonResponse:
    resp = JsonResponse({"error": exc.error, "error_description": exc.description, **exc.extra}, status=exc.status,
                        json_dumps_params={"ensure_ascii": False})
    for k, v in NO_STORE.items():
        resp[k] = v
    if exc.status == 401:
        resp["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return resp


def _unavailable(exc: "services.IssuanceError") -> JsonResponse:
    """The copy could not be signed (no key may sign right now, a compromise being handled: 503, try later)."""
    resp = _error(wallet.WalletError("credential_request_denied", str(exc), exc.status))
    if isinstance(exc, services.KeyNotReady):
        resp["Retry-After"] = str(max(1, int((exc.retry_at - timezone.now()).total_seconds())))
    return resp


def _ok(data: dict) -> JsonResponse:
    resp = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    for k, v in NO_STORE.items():
        resp[k] = v
    return resp


def _body(request, what: str) -> bytes:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if (int(length) if length.isdigit() else 0) > MAX_BODY_BYTES:
        raise wallet.WalletError(what, _("The body is larger than %(limit)s bytes.") % {"limit": MAX_BODY_BYTES}, 413)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise wallet.WalletError(what, _("The body is larger than %(limit)s bytes.") % {"limit": MAX_BODY_BYTES}, 413)
    return body


def _offer_id(text: str) -> UUID:
    """The offer's id in a URL; ``invalid_request`` (404) for anything that is not one."""
    try:
        if len(text) <= 36:
            return UUID(text)
    except ValueError:
        pass
    raise wallet.WalletError("invalid_request", _("No such credential offer."), 404)


def _throttled(request):
    wait = rate_limited(request, "badges-wallet", settings.BADGES_WALLET_RATE)
    return rate_limit_response(request, wait) if wait else None


def _responses(ok: dict, *errors: int) -> dict:
    # int status keys, as Ninja's own: "200" beside Ninja's 200 became a duplicate key in openapi.json, which
    # Swagger UI's parser refuses (the docs page stayed empty)
    return {200: {"description": "OK", "content": {"application/json": {"schema": ok}}},
            **{s: {"description": "an OAuth 2.0 / OID4VCI error", "content": {
                "application/json": {"schema": ERROR_SCHEMA}}} for s in errors}}


@router.get("/oid4vci/offers/{offer_id}", auth=None, summary="A credential offer (by reference)",
            openapi_extra={"responses": _responses({"type": "object"}, 404)})
def credential_offer(request, offer_id: str):
    """The Credential Offer a wallet reads from the ``credential_offer_uri`` of the holder's QR code or link: the
    issuer, the configuration ``OpenBadgeCredential_ldp_vc`` and the pre-authorised code. 404 once the code was used
    or the offer expired (BADGES_WALLET_OFFER_SECONDS)."""
    busy = _throttled(request)
    if busy:
        return busy
    try:
        return _ok(wallet.offer_document(wallet.open_offer(_offer_id(offer_id))))
    except wallet.WalletError as exc:
        return _error(exc)


@router.post("/oid4vci/token", auth=None, summary="Token endpoint (pre-authorised code grant)",
             openapi_extra={
                 "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["grant_type", "pre-authorized_code"], "properties": {
                         "grant_type": {"type": "string", "enum": [wallet.PRE_AUTHORIZED_GRANT]},
                         "pre-authorized_code": {"type": "string"}}}}}},
                 "responses": _responses({"type": "object", "properties": {
                     "access_token": {"type": "string"}, "token_type": {"type": "string"},
                     "expires_in": {"type": "integer"}, "c_nonce": {"type": "string"},
                     "c_nonce_expires_in": {"type": "integer"}}}, 400, 413)})
def token(request):
    """Exchanges the offer's pre-authorised code, once and before the offer expires, for an access token
    (BADGES_WALLET_TOKEN_SECONDS, one credential) and the ``c_nonce`` the key proof must carry. Errors:
    ``invalid_grant`` (unknown, used or expired code), ``unsupported_grant_type``, ``invalid_request``."""
    busy = _throttled(request)
    if busy:
        return busy
    try:
        body = _body(request, "invalid_request")
        if not request.content_type == "application/x-www-form-urlencoded":
            raise wallet.WalletError("invalid_request", _("The token request is a form (application/x-www-form-urlencoded)."))
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False)
        except (UnicodeDecodeError, ValueError):
            raise wallet.WalletError("invalid_request", _("The token request is not a valid form.")) from None
        if any(len(v) > 1 for v in form.values()):
            raise wallet.WalletError("invalid_request", _("A parameter is repeated."))
        field = lambda name: (form.get(name) or [None])[0]  # noqa: E731
        return _ok(wallet.redeem_code(field("grant_type"), field("pre-authorized_code")))
    except wallet.WalletError as exc:
        return _error(exc)


@router.post("/oid4vci/nonce", auth=None, summary="Nonce endpoint (a fresh c_nonce for a key proof)",
             openapi_extra={
                 "requestBody": {"required": False, "content": {"application/x-www-form-urlencoded": {"schema": {
                     "type": "object"}}}},
                 "responses": _responses({"type": "object", "required": ["c_nonce"], "properties": {
                     "c_nonce": {"type": "string"}}}, 413)})
def nonce(request):
    """OpenID for VCI 1.0's Nonce Endpoint: no access token, no parameters (a body, if any, is ignored up to 16 KiB).
    The ``c_nonce`` is unpredictable, good for BADGES_WALLET_NONCE_SECONDS and for one key proof at the credential
    endpoint; the answer is never cached (``Cache-Control: no-store``)."""
    busy = _throttled(request)
    if busy:
        return busy
    try:
        _body(request, "invalid_request")
    except wallet.WalletError as exc:
        return _error(exc)
    return _ok({"c_nonce": wallet.fresh_nonce()})


@router.post("/oid4vci/credential", auth=None, summary="Credential endpoint (ldp_vc, bound to the holder's DID)",
             openapi_extra={
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {
                         "credential_configuration_id": {"type": "string", "enum": [wallet.CONFIGURATION_ID]},
                         "proof": {"type": "object", "properties": {"proof_type": {"type": "string", "enum": ["jwt"]},
                                                                    "jwt": {"type": "string"}}},
                         "proofs": {"type": "object", "properties": {"jwt": {"type": "array", "maxItems": 1,
                                                                             "items": {"type": "string"}}}}}}}}},
                 "responses": _responses({"type": "object", "properties": {"credentials": {
                     "type": "array", "items": {"type": "object", "properties": {"credential": {"type": "object"}}}}}},
                     400, 401, 413, 503)})
def credential(request):
    """With ``Authorization: Bearer <access token>`` and a ``jwt`` key proof (typ ``openid4vci-proof+jwt``, alg
    EdDSA, ``kid`` a did:key or an Ed25519 ``jwk``, ``aud`` the credential issuer, ``nonce`` the token's ``c_nonce``
    or an unused one of the nonce endpoint, a recent ``iat``): the holder's credential in ``ldp_vc`` form, bound to the
    proven DID (``credentialSubject.id``), signed anew (eddsa-rdfc-2022) and logged. Errors: ``invalid_token`` (401:
    missing, unknown, expired or spent token), ``invalid_proof`` (with a fresh ``c_nonce``), ``invalid_nonce``
    (unknown, expired or used nonce; with a fresh ``c_nonce``), ``unknown_credential_configuration``,
    ``invalid_credential_request``, ``credential_request_denied`` (the credential was revoked meanwhile)."""
    busy = _throttled(request)
    if busy:
        return busy
    try:
        offer = wallet.authorised_offer(request.META.get("HTTP_AUTHORIZATION"))
        body = _body(request, "invalid_credential_request")
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            raise wallet.WalletError("invalid_credential_request", _("The credential request is not JSON.")) from None
        if not isinstance(data, dict):
            raise wallet.WalletError("invalid_credential_request", _("The credential request is not a JSON object."))
        return _ok(wallet.deliver(offer, data))
    except wallet.WalletError as exc:
        return _error(exc)
    except services.IssuanceError as exc:
        return _unavailable(exc)


@router.post("/exchanges/{offer_id}", auth=None, summary="VC-API exchange (DID authentication, then the credential)",
             openapi_extra={
                 "requestBody": {"required": False, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"verifiablePresentation": {"type": "object"}}}}}},
                 "responses": _responses({"type": "object", "properties": {
                     "verifiablePresentationRequest": {"type": "object"},
                     "verifiablePresentation": {"type": "object"}}}, 400, 404, 413, 503)})
def exchange(request, offer_id: str):
    """The W3C CCG VC-API exchange the DCC Learner Credential Wallet runs, on the same offer as OpenID for VCI.
    ``{}`` (or no body) starts it, once and before the offer expires: the answer is a
    ``verifiablePresentationRequest`` (a ``DIDAuthentication`` query, ``challenge``, ``domain``, the service to
    answer). ``{"verifiablePresentation": …}`` finishes it: a presentation with ``holder`` = a did:key, one
    ``DataIntegrityProof`` (eddsa-rdfc-2022, proofPurpose ``authentication``) by that key with the challenge and
    domain (or that presentation as the whole body); the answer is a ``verifiablePresentation`` holding the
    credential bound to that DID. Errors:
    ``invalid_request`` (404: unknown, used or expired offer), ``invalid_proof``, ``invalid_nonce`` (another
    challenge), ``credential_request_denied`` (the badge was revoked meanwhile)."""
    busy = _throttled(request)
    if busy:
        return busy
    try:
        offer_uuid = _offer_id(offer_id)
        body = _body(request, "invalid_request")
        try:
            data = json.loads(body) if body.strip() else {}
        except (UnicodeDecodeError, ValueError):
            raise wallet.WalletError("invalid_request", _("The request is not JSON.")) from None
        if not isinstance(data, dict):
            raise wallet.WalletError("invalid_request", _("The request is not a JSON object."))
        if "verifiablePresentation" in data:
            return _ok(wallet.finish_exchange(offer_uuid, data["verifiablePresentation"]))
        if "proof" in data:  # wallets of the DCC's first exchanges post the presentation itself
            return _ok(wallet.finish_exchange(offer_uuid, data))
        return _ok(wallet.start_exchange(offer_uuid))
    except wallet.WalletError as exc:
        return _error(exc)
    except services.IssuanceError as exc:
        return _unavailable(exc)
