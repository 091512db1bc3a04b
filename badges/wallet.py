"""A holder puts their credential in a wallet: the offer and the DID-bound copy, shared by the wallet protocols.

OpenID for Verifiable Credential Issuance 1.0, pre-authorised code flow (``badges.wallet_api`` serves it):

1. On their badge's page the holder asks for an offer (``create_offer``): a ``WalletOffer`` good for
   ``offer_lifetime()`` (``BADGES_WALLET_OFFER_SECONDS``, 10 minutes by default). The page shows it as a QR code and
   a same-device link, ``openid-credential-offer://?credential_offer_uri=<the offer's URL>``.
2. The wallet reads the offer (``offer_document``: the issuer, the one configuration, the pre-authorised code),
   the issuer metadata (``issuer_metadata``) and the authorisation server's (``authorization_server_metadata``).
3. Token endpoint (``redeem_code``): the code is good once and until the offer expires; the answer is an access
   token (good ``token_lifetime()``, once) and a ``c_nonce`` bound to it (as draft 13 did; the Sphereon client and
   many wallets use it).
4. Nonce endpoint (``fresh_nonce``, OID4VCI 1.0 §7): anyone may POST for a ``c_nonce``; it is good for
   ``nonce_lifetime()`` (``BADGES_WALLET_NONCE_SECONDS``, 5 minutes) and for one key proof.
5. Credential endpoint (``issue_holder_copy``): the token and a ``jwt`` key proof (``badges.holder_proof``) whose
   nonce is the token's ``c_nonce`` or a fresh one of the nonce endpoint; the answer is the ``HolderCopy``: the stored
   credential signed anew for the proven ``did:key``. A proof refused for its nonce (``invalid_nonce``) or refused
   at all (``invalid_proof``) is answered with a fresh ``c_nonce`` beside the error, so that the wallet can try again
   at once (draft 13 §7.3.2 asks for it; 1.0 wallets ask the nonce endpoint instead).

The nonce endpoint's nonces are signed, not stored: ``<body>.<mac>``, the body 8 bytes of the time it was made and 16
random bytes, the MAC an HMAC-SHA256 of the body and the credential issuer's identifier under the server's secret key
(``valid_nonce`` checks it, then the age). A POST that anyone may make thus writes nothing. Using one is what is
recorded: its SHA-256 goes into ``SpentNonce`` in the transaction that issues the copy (a unique key, so two requests
racing with one nonce get one copy), kept until the nonce expires (``services.sweep`` deletes it then).

Secrets are not stored: the pre-authorised code is an HMAC of the offer's id under the server's secret key, and
only the SHA-256 of the code and of the access token are kept.

The DID-bound copy (``HolderCopy``) relates to the stored credential as follows: the same document (achievement,
subject identifier, evidence, ``validFrom`` / ``validUntil``, ``credentialStatus``) with ``credentialSubject.id`` =
the holder's DID, its own id (``urn:uuid:<copy id>``: the public ``/credentials/<id>`` address stays the stored
credential's) and a new proof by the key that signs now. It shares the credential's status entry, so revoking the
credential revokes every copy. It is logged in the issuance log as an issuance of its own document. The stored
credential stays the holder's badge (page, files, QR); a copy is never listed as a badge of its own.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from badges import holder_proof, services, transparency
from badges.contexts import OB_V3P0, VC_V2
from badges.models import Credential, HolderCopy, SpentNonce, WalletOffer
from lms.templatetags.i18n_messages import localize

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
FORMAT = "ldp_vc"
OFFER_SCHEME = "openid-credential-offer://"


class WalletError(Exception):
    """A request a wallet made that is refused: ``error`` is the protocol's error code (OAuth 2.0 / OID4VCI),
    ``status`` the HTTP status, the message its ``error_description``."""

    def __init__(self, error: str, description: str, status: int = 400, extra: dict | None = None):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.extra = extra or {}  # more members of the error's body (a fresh ``c_nonce``)


def offer_lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "BADGES_WALLET_OFFER_SECONDS", 600))


def token_lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "BADGES_WALLET_TOKEN_SECONDS", 300))


def nonce_lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "BADGES_WALLET_NONCE_SECONDS", 300))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pre_authorized_code(offer: WalletOffer) -> str:
    """The offer's pre-authorised code: derived from its id with the server's secret key (never stored)."""
    return salted_hmac("badges.wallet.pre-authorized-code", str(offer.pk), algorithm="sha256").hexdigest()


# ------------------------------------------------------------------------------------ addresses and metadata
def credential_issuer() -> str:
    """The Credential Issuer Identifier: the platform's public address (its metadata is under it, at
    ``/.well-known/openid-credential-issuer``), the ``aud`` a key proof must name."""
    return services.base_url()


def _api(path: str) -> str:
    return f"{services.base_url()}/api/v1/wallet/{path}"


def offer_url(offer: WalletOffer) -> str:
    return _api(f"oid4vci/offers/{offer.pk}")


def token_endpoint() -> str:
    return _api("oid4vci/token")


def credential_endpoint() -> str:
    return _api("oid4vci/credential")


def nonce_endpoint() -> str:
    return _api("oid4vci/nonce")


def offer_link(offer: WalletOffer) -> str:
    """The same-device link (and the QR code's text): the offer by reference."""
    from urllib.parse import urlencode

    return OFFER_SCHEME + "?" + urlencode({"credential_offer_uri": offer_url(offer)})


def issuer_metadata() -> dict:
    """The Credential Issuer Metadata (OID4VCI 1.0 §12.2): the endpoints (credential, nonce), one configuration, an OpenBadgeCredential in ``ldp_vc``
    secured with eddsa-rdfc-2022, bound to a ``did:key`` proven by an EdDSA ``jwt`` proof; names in French and
    English. The authorisation server is the issuer itself (``/.well-known/oauth-authorization-server``)."""
    issuer = services.get_issuer()
    logo = {"uri": f"{services.base_url()}/issuer/image.png"}
    return {
        "credential_issuer": credential_issuer(),
        "credential_endpoint": credential_endpoint(),
        "nonce_endpoint": nonce_endpoint(),
        "display": [{"name": issuer.name, "locale": "fr-FR", "logo": {**logo, "alt_text": "Logo de " + issuer.name}},
                    {"name": issuer.name, "locale": "en-US", "logo": {**logo, "alt_text": issuer.name + " logo"}}],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": FORMAT,
                "scope": "OpenBadgeCredential",
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": [holder_proof.ALG]}},
                "credential_definition": {
                    "@context": [VC_V2, OB_V3P0],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "display": [
                    {"name": "Badge Open Badges", "locale": "fr-FR", "description": "Un badge numérique signé "
                     "(Open Badges 3.0) délivré par " + issuer.name, "background_color": "#6d28d9",
                     "text_color": "#ffffff"},
                    {"name": "Open Badge", "locale": "en-US", "description": "A signed digital badge "
                     "(Open Badges 3.0) issued by " + issuer.name, "background_color": "#6d28d9",
                     "text_color": "#ffffff"},
                ],
            },
        },
    }


def authorization_server_metadata() -> dict:
    """RFC 8414 metadata of the authorisation server (the issuer itself): the token endpoint and the one grant."""
    return {
        "issuer": credential_issuer(),
        "token_endpoint": token_endpoint(),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }


# ------------------------------------------------------------------------------------ the offer
def refusal(cred: Credential, now=None) -> str | None:
    """Why ``cred`` may not go to a wallet (revoked, or past its ``validUntil``: a wallet would get a copy signed
    today of a credential no longer valid), or None when it may."""
    if cred.revoked_at is not None:
        return _("This credential has been revoked: it cannot be added to a wallet.")
    until = cred.validity.valid_until
    if until is not None and until <= (now or timezone.now()):
        return _("This credential has expired: it cannot be added to a wallet.")
    return None


def _offerable(cred: Credential) -> Credential:
    """The credential that stands for ``cred`` now, if it may go to a wallet; ``WalletError`` otherwise."""
    cred = services.current_credential(cred)
    reason = refusal(cred)
    if reason:
        raise WalletError("credential_request_denied", reason)
    return cred


def create_offer(cred: Credential) -> WalletOffer:
    """A new offer of ``cred`` to its holder's wallet, good for ``offer_lifetime()`` and once. The caller checked
    that the user asking is the holder."""
    cred = _offerable(cred)
    now = timezone.now()
    offer = WalletOffer(credential=cred, created_at=now, expires_at=now + offer_lifetime())
    offer.code_hash = _sha256(pre_authorized_code(offer))
    offer.save(force_insert=True)
    return offer


def open_offer(offer_id) -> WalletOffer:
    """The offer a wallet reads at its URL (OID4VCI) or starts an exchange with (VC-API), while it is unused and
    has not expired; ``invalid_request`` (404) otherwise."""
    offer = WalletOffer.objects.select_related("credential").filter(pk=offer_id).first()
    if offer is None:
        raise WalletError("invalid_request", _("No such credential offer."), 404)
    if offer.redeemed_at is not None:
        raise WalletError("invalid_request", _("This credential offer has already been used: ask for a new one on "
                                               "your badge's page."), 404)
    if offer.expires_at <= timezone.now():
        raise WalletError("invalid_request", _("This credential offer has expired: ask for a new one on your badge's "
                                               "page."), 404)
    return offer


def offer_document(offer: WalletOffer) -> dict:
    """The Credential Offer (OID4VCI 1.0 §4.1.1) served at ``offer_url``."""
    return {
        "credential_issuer": credential_issuer(),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": pre_authorized_code(offer)}},
    }


# ------------------------------------------------------------------------------------ token endpoint
def redeem_code(grant_type, code) -> dict:
    """Exchange a pre-authorised code, once and before the offer expires, for an access token and its ``c_nonce``
    (the Token Response, RFC 6749 §5.1 with OID4VCI's ``c_nonce``)."""
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise WalletError("unsupported_grant_type", _("Only the pre-authorised code grant (%(grant)s) is supported.")
                          % {"grant": PRE_AUTHORIZED_GRANT})
    if not isinstance(code, str) or not code or len(code) > 200:
        raise WalletError("invalid_request", _("The pre-authorized_code parameter is missing."))
    now = timezone.now()
    offer = WalletOffer.objects.select_related("credential").filter(code_hash=_sha256(code)).first()
    if offer is None:
        raise WalletError("invalid_grant", _("This pre-authorised code is unknown."))
    if offer.redeemed_at is not None:
        raise WalletError("invalid_grant", _("This pre-authorised code has already been used."))
    if offer.expires_at <= now:
        raise WalletError("invalid_grant", _("This pre-authorised code has expired."))
    try:
        _offerable(offer.credential)
    except WalletError as exc:
        raise WalletError("invalid_grant", exc.description) from None
    token = secrets.token_urlsafe(32)
    nonce = _redeem(offer, now, token_hash=_sha256(token))
    if nonce is None:
        raise WalletError("invalid_grant", _("This pre-authorised code has already been used."))
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(token_lifetime().total_seconds()),
            "c_nonce": nonce, "c_nonce_expires_in": int(token_lifetime().total_seconds())}


def _redeem(offer: WalletOffer, now, *, token_hash: str | None = None) -> str | None:
    """Use the offer (whichever protocol comes first): a fresh nonce (OID4VCI's ``c_nonce``, the VC-API exchange's
    ``challenge``), or None when it was already used. One conditional UPDATE decides between racing wallets."""
    nonce = secrets.token_urlsafe(24)
    won = WalletOffer.objects.filter(pk=offer.pk, redeemed_at__isnull=True, expires_at__gt=now).update(
        redeemed_at=now, token_hash=token_hash, c_nonce=nonce)
    return nonce if won else None


# ------------------------------------------------------------------------------------ nonce endpoint
NONCE_RANDOM_BYTES = 16
MAX_NONCE_CHARS = 100  # a nonce is 76 characters
_NONCE = re.compile(r"([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})")
NONCE_ERRORS = ("invalid_proof", "invalid_nonce")  # answered with a fresh c_nonce


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _nonce_mac(body: str) -> str:
    # bound to this issuer's identifier: a nonce another issuer made (another address, another secret) is refused
    return _b64url(salted_hmac("badges.wallet.c_nonce", f"{credential_issuer()} {body}", algorithm="sha256").digest())


def fresh_nonce() -> str:
    """A new ``c_nonce`` of the nonce endpoint: unpredictable (16 random bytes), dated, signed; nothing stored."""
    made = int(timezone.now().timestamp())
    body = _b64url(made.to_bytes(8, "big") + secrets.token_bytes(NONCE_RANDOM_BYTES))
    return f"{body}.{_nonce_mac(body)}"


def _made_at(body: str) -> int:
    """When the nonce of ``body`` was made (seconds since the epoch)."""
    return int.from_bytes(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))[:8], "big")


def valid_nonce(nonce) -> bool:
    """``nonce`` is a nonce this issuer's nonce endpoint made (its MAC) that has not expired. Whether it was used
    already is ``spend_nonce``'s to say."""
    match = _NONCE.fullmatch(nonce) if isinstance(nonce, str) and len(nonce) <= MAX_NONCE_CHARS else None
    if match is None:
        return False
    body, mac = match.groups()
    if not hmac.compare_digest(mac.encode("ascii"), _nonce_mac(body).encode("ascii")):
        return False
    age = timezone.now().timestamp() - _made_at(body)
    return -60 <= age < nonce_lifetime().total_seconds()  # made in the future: another server's clock far ahead


def spend_nonce(nonce: str) -> None:
    """Record that a key proof used ``nonce`` (a nonce of the nonce endpoint, checked by ``valid_nonce``), in the
    caller's transaction, until it expires; ``invalid_nonce`` when it was used before. The unique key decides between
    racing requests."""
    made = datetime.fromtimestamp(_made_at(nonce.partition(".")[0]), dt_timezone.utc)
    try:
        with transaction.atomic():
            SpentNonce.objects.create(digest=_sha256(nonce), expires_at=made + nonce_lifetime())
    except IntegrityError:
        raise WalletError("invalid_nonce", _("This c_nonce has already been used: ask the nonce endpoint for a fresh "
                                             "one.")) from None


def _acceptable_nonce(offer: WalletOffer):
    """What a key proof's nonce may be for ``offer``'s token: its own ``c_nonce`` (from the token response) or a valid
    nonce of the nonce endpoint."""
    return lambda nonce: holder_proof.same_nonce(nonce, offer.c_nonce) or valid_nonce(nonce)


# ------------------------------------------------------------------------------------ credential endpoint
def authorised_offer(authorization) -> WalletOffer:
    """The offer an ``Authorization: Bearer <token>`` header's token was given for; ``invalid_token`` (401) when
    the token is missing, unknown, expired or already used."""
    scheme, _sep, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise WalletError("invalid_token", _("An access token is required (Authorization: Bearer …)."), 401)
    offer = WalletOffer.objects.select_related("credential").filter(token_hash=_sha256(token)).first()
    if offer is None:
        raise WalletError("invalid_token", _("This access token is unknown."), 401)
    if offer.completed_at is not None:
        raise WalletError("invalid_token", _("This access token has already obtained its credential."), 401)
    if offer.redeemed_at + token_lifetime() <= timezone.now():
        raise WalletError("invalid_token", _("This access token has expired."), 401)
    return offer


def requested_proof_jwt(request: dict) -> str:
    """The ``jwt`` of a Credential Request's key proof: ``proof`` (one) or ``proofs.jwt`` (a list of one). Checks
    that the request asks for the offered configuration (by id, or by format as earlier drafts did)."""
    configuration = request.get("credential_configuration_id")
    if configuration is not None and configuration != CONFIGURATION_ID:
        raise WalletError("unknown_credential_configuration",
                          _("Unknown credential configuration: only %(id)s is offered.") % {"id": CONFIGURATION_ID})
    if configuration is None and request.get("format") not in (None, FORMAT):
        raise WalletError("unsupported_credential_format", _("Only the %(format)s format is issued.") % {"format": FORMAT})
    proof, proofs = request.get("proof"), request.get("proofs")
    if proof is not None and proofs is not None:
        raise WalletError("invalid_credential_request", _("Give either proof or proofs, not both."))
    if isinstance(proofs, dict):
        jwts = proofs.get("jwt")
        if set(proofs) != {"jwt"} or not isinstance(jwts, list) or len(jwts) != 1:
            raise WalletError("invalid_proof", _("proofs must hold exactly one jwt proof."))
        return jwts[0]
    if not isinstance(proof, dict):
        raise WalletError("invalid_proof", _("The credential request carries no key proof."))
    if proof.get("proof_type") != "jwt":
        raise WalletError("invalid_proof", _("Only the jwt proof type is supported."))
    return proof.get("jwt")


def holder_copy_document(cred: Credential, copy: HolderCopy) -> dict:
    """The unsigned document of ``copy``: ``cred``'s signed document, its proof removed, its own id, bound to the
    holder's DID."""
    doc = json.loads(cred.signed_json)
    doc.pop("proof", None)
    doc["id"] = f"urn:uuid:{copy.pk}"
    doc["credentialSubject"] = {"id": copy.holder_did, **{k: v for k, v in doc["credentialSubject"].items()
                                                          if k != "id"}}
    return doc


def issue_holder_copy(offer: WalletOffer, holder_did: str, *, spent: WalletError, nonce: str | None = None) -> HolderCopy:
    """Sign the offer's credential for ``holder_did`` (``holder_copy_document``), store and log it; the offer is
    then spent (``spent`` is raised when it already was), and so is ``nonce`` (a nonce of the nonce endpoint the key
    proof used: ``spend_nonce``). One transaction: a copy that fails to sign leaves the offer and the nonce usable.
    The credential's row is locked, so a re-issue running at the same time (``resign_copies``) either sees this copy
    or comes first and this copy is made of its new credential."""
    with transaction.atomic():
        if not WalletOffer.objects.filter(pk=offer.pk, completed_at__isnull=True).update(completed_at=timezone.now()):
            raise spent
        if nonce is not None:
            spend_nonce(nonce)
        try:
            cred = _offerable(offer.credential)
            if Credential.objects.select_for_update().only("superseded_at").get(pk=cred.pk).superseded_at:
                cred = _offerable(Credential.objects.get(pk=cred.pk))  # re-issued while we looked: its successor
        except WalletError as exc:
            raise WalletError("credential_request_denied", exc.description) from None
        copy = _sign_copy(cred, holder_did, offer=offer)
    return copy


def _sign_copy(cred: Credential, holder_did: str, *, offer: WalletOffer | None = None,
               replaces: HolderCopy | None = None) -> HolderCopy:
    """Sign, store and log a copy of ``cred`` for ``holder_did`` with the signing key, inside the caller's
    transaction."""
    key = services.signing_key()
    copy = HolderCopy(credential=cred, offer=offer, holder_did=holder_did, signing_key=key, replaces=replaces,
                      issued_at=timezone.now().replace(microsecond=0))
    copy.signed_json = services.sign_credential(holder_copy_document(cred, copy), key)
    copy.save(force_insert=True)
    transparency.append_holder_copy(json.loads(copy.signed_json), at=copy.issued_at)
    return copy


def deliver(offer: WalletOffer, request: dict) -> dict:
    """The Credential Endpoint's use case: the request's key proof checked (its nonce: the token's ``c_nonce`` or a
    fresh one of the nonce endpoint, spent with the copy), the copy issued; the Credential Response (OID4VCI 1.0
    §8.3: ``credentials``, one). A refused proof's error carries a fresh ``c_nonce`` (``NONCE_ERRORS``)."""
    try:
        jwt = requested_proof_jwt(request)
        try:
            holder = holder_proof.verify_proof_jwt(jwt, audience=credential_issuer(), nonce=_acceptable_nonce(offer),
                                                   now=time.time())
        except holder_proof.ProofRejected as exc:
            raise WalletError(exc.error, localize(exc.message)) from None
        endpoint_nonce = None if holder_proof.same_nonce(holder.nonce, offer.c_nonce) else holder.nonce
        copy = issue_holder_copy(offer, holder.did, nonce=endpoint_nonce, spent=WalletError(
            "invalid_token", _("This access token has already obtained its credential."), 401))
    except WalletError as exc:
        if exc.error in NONCE_ERRORS:
            exc.extra = {"c_nonce": fresh_nonce(), "c_nonce_expires_in": int(nonce_lifetime().total_seconds())}
        raise
    return {"credentials": [{"credential": json.loads(copy.signed_json)}]}


# ------------------------------------------------------------------------------------ after a key compromise
# A copy signed by a key later declared compromised verifies nowhere (the key left assertionMethod). The re-issuance
# sweep (``services.reissue_compromised``) re-signs it for the same DID with the signing key: with the credential's
# re-issue (every live copy of the credential, made anew of the re-issued one: same document and status entry, its
# own ``urn:uuid:`` id), or alone when only the copy was signed by the compromised key. The old copy is superseded;
# the holder gets the new copy by e-mail (``services.notify_reissued``) and on their badge's page
# (``pending_replacements``), with a fresh offer to add the badge again.
def resign_copies(old: Credential, new: Credential, *, compromised_only: bool = False) -> list[HolderCopy]:
    """Re-sign for ``new`` (``old`` itself, or its re-issue) the live copies of ``old``, each for the same DID, and
    supersede them; only those a compromised key signed when ``compromised_only``. Inside the caller's transaction;
    the copies' rows are locked, and one already superseded is left alone (idempotent)."""
    from badges.models import SigningKey

    copies = HolderCopy.objects.select_for_update(of=("self",)).filter(credential=old, superseded_at__isnull=True)
    if compromised_only:
        copies = copies.filter(signing_key__status=SigningKey.Status.REVOKED)
    made = []
    for copy in copies.order_by("issued_at", "pk"):
        made.append(_sign_copy(new, copy.holder_did, replaces=copy))
        copy.superseded_at = made[-1].issued_at
        copy.save(update_fields=["superseded_at"])
    return made


def pending_replacements(cred: Credential) -> list[HolderCopy]:
    """The re-signed copies of ``cred`` (``resign_copies``) its holder has still to put in their wallet: those no
    copy delivered to a wallet since (by a new offer) has made unnecessary."""
    copies = list(cred.holder_copies.filter(superseded_at__isnull=True).only(
        "pk", "holder_did", "issued_at", "offer_id", "replaces_id", "credential_id").order_by("issued_at", "pk"))
    last_delivered = max((c.issued_at for c in copies if c.offer_id is not None), default=None)
    return [c for c in copies if c.replaces_id is not None and (last_delivered is None or c.issued_at > last_delivered)]


# ------------------------------------------------------------------------------------ W3C CCG VC-API exchange
# The exchange the DCC Learner Credential Wallet runs (deep link ``lcw_link``): the wallet POSTs ``{}`` to the
# exchange URL and gets a VerifiablePresentationRequest (DIDAuthentication, a challenge, the domain, where to answer);
# it POSTs its DID authentication presentation there and gets a presentation holding the DID-bound copy. The same
# offer as OID4VCI's: whichever protocol uses it first has it, once, until it expires.
LCW_REQUEST = "https://lcw.app/request.html"


def exchange_url(offer: WalletOffer) -> str:
    return _api(f"exchanges/{offer.pk}")


def lcw_link(offer: WalletOffer) -> str:
    """The Learner Credential Wallet's universal link to the exchange (its QR code's text)."""
    request = {"credentialRequestOrigin": services.base_url(), "protocols": {"vcapi": exchange_url(offer)}}
    return f"{LCW_REQUEST}?request={quote(json.dumps(request, separators=(',', ':')), safe='')}"


def exchange_domain() -> str:
    """The ``domain`` a DID authentication must name: the issuer's origin."""
    parts = urlsplit(services.base_url())
    return f"{parts.scheme}://{parts.netloc}"


def start_exchange(offer_id) -> dict:
    """The exchange's first step: the offer is used (once, before it expires) and the wallet asked to authenticate
    its DID with a fresh challenge."""
    offer = open_offer(offer_id)
    _offerable(offer.credential)
    challenge = _redeem(offer, timezone.now())
    if challenge is None:
        raise WalletError("invalid_request", _("This credential offer has already been used: ask for a new one on "
                                               "your badge's page."), 404)
    return {"verifiablePresentationRequest": {
        "query": [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}],
                   "acceptedCryptosuites": [{"cryptosuite": "eddsa-rdfc-2022"},
                                            {"cryptosuite": "Ed25519Signature2020"}]}],
        "challenge": challenge,
        "domain": exchange_domain(),
        # the same endpoint under both names wallets look for
        "interact": {"service": [{"type": kind, "serviceEndpoint": exchange_url(offer)} for kind in (
            "VerifiableCredentialApiExchangeService", "UnmediatedPresentationService2021")]},
    }}


def finish_exchange(offer_id, presentation) -> dict:
    """The exchange's second step: the DID authentication checked against the challenge of the first, the copy
    issued, returned in a presentation."""
    offer = WalletOffer.objects.select_related("credential").filter(pk=offer_id).first()
    if offer is None:
        raise WalletError("invalid_request", _("No such credential offer."), 404)
    if offer.redeemed_at is None or offer.token_hash is not None:
        raise WalletError("invalid_request", _("This exchange has not been started: POST {} to it first."))
    if offer.completed_at is not None:
        raise WalletError("invalid_request", _("This exchange has already delivered its credential."))
    if offer.redeemed_at + token_lifetime() <= timezone.now():
        raise WalletError("invalid_request", _("This exchange has expired: ask for a new offer on your badge's page."))
    try:
        holder = holder_proof.verify_did_auth(presentation, challenge=offer.c_nonce, domain=exchange_domain())
    except holder_proof.ProofRejected as exc:
        raise WalletError(exc.error, localize(exc.message)) from None
    copy = issue_holder_copy(offer, holder.did, spent=WalletError(
        "invalid_request", _("This exchange has already delivered its credential.")))
    return {"verifiablePresentation": {"@context": [VC_V2], "type": ["VerifiablePresentation"],
                                       "verifiableCredential": [json.loads(copy.signed_json)]}}
