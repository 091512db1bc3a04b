"""Use-cases of the badges app: keys, achievements, issuing and revoking credentials, status lists.

Each public verb runs in one transaction. The signing itself is ``badges.signing`` (pure); a
document with a property its contexts do not define is refused there and surfaces here as
``IssuanceError``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from badges import jsonld, keyrules, signing, statuslist, transparency
from badges.contexts import OB_V3P0, VC_V2
from badges.models import (Achievement, BulkIssuance, Credential, HolderCopy, Issuer, SigningKey, Skill, SpentNonce,
                           StatusList)

log = logging.getLogger(__name__)

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


class IssuanceError(Exception):
    """The credential could not be issued (e.g. the document is not safe to sign); ``status``: the HTTP status."""

    status = 400


class KeyNotReady(IssuanceError):
    """No key may sign yet: a key declared compromised had no published successor; the new one signs from
    ``retry_at`` (published for the DID document's max-age by then)."""

    status = 503

    def __init__(self, retry_at: datetime):
        self.retry_at = retry_at
        super().__init__(_("No signing key is available until %(when)s (a new key is being published after a "
                           "key compromise); try again then.") % {"when": xsd(retry_at)})


# ------------------------------------------------------------------------------------ URLs, DID
def base_url() -> str:
    """The public address signed into credentials (ids, did:web, achievement, status list and skill URLs),
    fixed at issuance: PUBLIC_BASE_URL. Links for people follow the request instead (``short_url``)."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


def issuer_did(public_base_url: str | None = None) -> str:
    """did:web of the platform host; a port's colon is percent-encoded, a path adds segments."""
    parts = urlsplit(public_base_url or base_url())
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join([did, *segments])


def key_id(key: SigningKey) -> str:
    return f"{issuer_did()}#{key.fragment}"


def credential_url(credential_id) -> str:
    return f"{base_url()}/credentials/{credential_id}"


def short_url(short_id: str, request=None) -> str:
    """The public verification link of QR codes, pages, the PDF and e-mails (never signed): on the address the
    request reached, else on the configured base (lms.links)."""
    from django.urls import reverse

    from lms.links import absolute_url

    return absolute_url(reverse("badges_short", args=[short_id]), request)


def status_list_url(number: int) -> str:
    return f"{base_url()}/status/{number}"


def achievement_url(slug: str) -> str:
    return f"{base_url()}/achievements/{slug}"


def achievement_image_url(slug: str) -> str:
    return f"{base_url()}/achievements/{slug}/image.png"


def skill_url(slug: str) -> str:
    """The signed ``targetUrl`` of a skill; it leads people to the skill's page in their language."""
    return f"{base_url()}/competences/{slug}"


def issuer_json_url() -> str:
    return f"{base_url()}/issuer.json"


def xsd(dt: datetime) -> str:
    return dt.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_xsd(value) -> datetime | None:
    if not signing.is_xsd_datetime(value):
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=dt_timezone.utc)
    return dt


# ------------------------------------------------------------------------------------ issuer
def get_issuer() -> Issuer:
    issuer = Issuer.objects.order_by("pk").first()
    if issuer is None:
        issuer = Issuer.objects.create(name="Flow Stage Academy", url=base_url() + "/",
                                       email="academy@flowstage.example")
    return issuer


def issuer_profile(issuer: Issuer | None = None, *, full: bool = True) -> dict:
    """The OB 3.0 ``Profile`` of the issuer (the document served at /issuer.json when ``full``)."""
    issuer = issuer or get_issuer()
    profile = {"id": issuer_did(), "type": ["Profile"], "name": issuer.name, "url": issuer.url or base_url() + "/"}
    if issuer.email:
        profile["email"] = issuer.email
    if full:
        profile = {"@context": [VC_V2, OB_V3P0], **profile}
        profile["image"] = {"id": f"{base_url()}/issuer/image.png", "type": "Image"}
        if issuer.description:
            profile["description"] = issuer.description
    return profile


def did_document_max_age() -> int:
    """How long verifiers may cache the DID document (``Cache-Control: max-age`` of /.well-known/did.json): a new
    key is published at least that long before it signs (``badges.keyrules``)."""
    return int(settings.BADGES_DID_DOCUMENT_MAX_AGE)


def did_document(keys=None) -> dict:
    """The DID document: every key as a Multikey verificationMethod; under assertionMethod the keys that may have
    signed or will sign (pending, active, retired by a planned rotation), never a compromised key: it is marked
    ``revoked`` (from its compromise date) and left out of assertionMethod, so that any verifier refuses it."""
    did = issuer_did()
    keys = list(SigningKey.objects.order_by("number")) if keys is None else keys
    methods, assertion = [], []
    for key in keys:
        vm = {"id": f"{did}#{key.fragment}", "type": "Multikey", "controller": did,
              "publicKeyMultibase": key.public_key_multibase}
        if key.status == SigningKey.Status.REVOKED and key.revoked_from:
            vm["revoked"] = xsd(key.revoked_from)
        methods.append(vm)
        if keyrules.listed_for_assertion(key.status):
            assertion.append(vm["id"])
    return {"@context": DID_CONTEXT, "id": did, "verificationMethod": methods, "assertionMethod": assertion}


# ------------------------------------------------------------------------------------ keys
def _kek() -> str:
    return settings.BADGES_KEY_ENCRYPTION_KEY


def _aad(number: int) -> bytes:
    return f"badges-signing-key-{number}".encode()


def _states(keys) -> list[keyrules.KeyState]:
    return [keyrules.KeyState(k.number, k.status, k.usable_from) for k in keys]


@transaction.atomic
def create_key(*, unless_one_can_sign: bool = False) -> SigningKey:
    """A new key, published now in the DID document (a planned rotation). The issuer's first key signs at once; a
    later one is pending until published + the DID document's max-age, the active key signing meanwhile; it then
    takes over and the old key retires (still listed under assertionMethod: what it signed keeps verifying).

    ``unless_one_can_sign``: the key is needed because none could sign; under the newest key's row lock, a key that
    can sign (active or pending), published by a process that held the lock just before, is returned instead."""
    now = timezone.now()
    last = SigningKey.objects.select_for_update().order_by("-number").first()
    if unless_one_can_sign:
        published = SigningKey.objects.filter(status__in=keyrules.SIGNING_STATES).order_by("-number").first()
        if published is not None:
            return published
    number = (last.number + 1) if last else 1
    first = last is None
    private = signing.generate_private_key()
    return SigningKey.objects.create(
        number=number,
        public_key_multibase=signing.public_key_multibase(private),
        encrypted_private_key=signing.encrypt_private_key(private, _kek(), aad=_aad(number)),
        status=SigningKey.Status.ACTIVE if first else SigningKey.Status.PENDING,
        published_at=now,
        usable_from=keyrules.usable_from(now, did_document_max_age(), first_key=first),
    )


rotate_key = create_key


def signing_key(*, _published: bool = False) -> SigningKey:
    """The key that signs now (``keyrules.signer_at``): a pending key whose time has come takes over (the active
    one retires). The issuer's first key is created on demand. ``KeyNotReady`` while no key may sign yet (after a
    compromise, until its successor has been published for the DID document's max-age).

    When no key could ever sign (none yet, or every one retired or compromised), one is published, once however many
    processes find it so at the same moment: a later one re-reads under the newest key's row lock and finds the key
    published before it. Two processes creating the very first key (no row to lock) both insert key 1: the loser's
    insert hits the unique key number (inside create_key's savepoint), and it decides again with the winner's key."""
    keys = list(SigningKey.objects.filter(status__in=keyrules.SIGNING_STATES))
    # the time is read after the keys: a first key committed by another process just before the read became usable
    # at its creation, which must not lie after this "now" (that made a concurrent issuer wait for a key it had)
    now = timezone.now()
    chosen = keyrules.signer_at(_states(keys), now)
    if chosen is None:
        retry_at = keyrules.next_usable_at(_states(keys), now)
        if retry_at is None and not _published:
            try:
                create_key(unless_one_can_sign=True)
            except IntegrityError:
                pass
            return signing_key(_published=True)
        raise KeyNotReady(retry_at or now)
    key = next(k for k in keys if k.number == chosen.number)
    return key if key.status == SigningKey.Status.ACTIVE else _take_over(key)


active_key = signing_key


@transaction.atomic
def _take_over(key: SigningKey) -> SigningKey:
    """``key`` (pending, usable now) becomes the active key; the active one and older pending ones retire. What
    compromised keys signed can now be re-issued: the sweep is enqueued."""
    now = timezone.now()
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if key.status == SigningKey.Status.ACTIVE:
        return key
    if key.status != SigningKey.Status.PENDING or key.usable_from > now:
        return signing_key()  # changed meanwhile: decide again
    for old in SigningKey.objects.select_for_update().filter(
            models.Q(status=SigningKey.Status.ACTIVE) | models.Q(status=SigningKey.Status.PENDING,
                                                                 number__lt=key.number)):
        old.status = SigningKey.Status.RETIRED
        old.retired_at = now
        old.save(update_fields=["status", "retired_at"])
    key.status = SigningKey.Status.ACTIVE
    key.save(update_fields=["status"])
    transaction.on_commit(enqueue_reissue, robust=True)
    return key


def private_key(key: SigningKey):
    return signing.decrypt_private_key(key.encrypted_private_key, _kek(), aad=_aad(key.number))


@transaction.atomic
def declare_key_compromised(key: SigningKey, *, reason: str, compromised_from: datetime | None = None,
                            by=None) -> SigningKey:
    """Declare ``key`` compromised from ``compromised_from`` (default now), with a reason (kept in its history).
    It leaves the DID document's assertionMethod at once (every verifier then refuses what it signs, forgeries
    included); everything it signed is re-issued with the signing key and the holders are told by e-mail
    (``reissue_compromised``, enqueued on commit). With no other key able to sign, a new key is published now and
    the re-issuance waits until it has been published for the DID document's max-age. Idempotent."""
    reason = (reason or "").strip()
    if not reason:
        raise IssuanceError(_("A reason is required to declare a key compromised."))
    now = timezone.now()
    compromised_from = compromised_from or now
    if compromised_from > now:
        raise IssuanceError(_("The compromise date cannot be in the future."))
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if key.status == SigningKey.Status.REVOKED:
        return key
    key.status = SigningKey.Status.REVOKED
    key.revoked_from = compromised_from
    key.revocation_reason = reason[:300]
    key.retired_at = key.retired_at or now
    if by is not None and getattr(by, "pk", None):
        key._history_user = by
    key._change_reason = "compromised"
    key.save()
    if keyrules.needs_successor(_states(SigningKey.objects.select_for_update())):
        create_key()
    transaction.on_commit(enqueue_reissue, robust=True)
    return key


def revoke_key(key: SigningKey, *, revoked_from: datetime | None = None, reason: str = "") -> SigningKey:
    """Former name of ``declare_key_compromised``."""
    return declare_key_compromised(key, reason=reason or "compromised", compromised_from=revoked_from)


def enqueue_reissue(countdown: float | None = None) -> None:
    """Enqueue the re-issuance sweep (by name); in a worker, a ``countdown`` defers it."""
    from badges.tasks import reissue_compromised as task

    task.apply_async(countdown=countdown) if countdown else task.delay()


# ------------------------------------------------------------------------------------ status lists
def _sign_status_list(sl: StatusList) -> None:
    key = active_key()
    doc = {
        "@context": [VC_V2],
        "id": status_list_url(sl.number),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": xsd(timezone.now()),
        "credentialSubject": {
            "id": f"{status_list_url(sl.number)}#list",
            "type": "BitstringStatusList",
            "statusPurpose": sl.purpose,
            "encodedList": statuslist.encode_list(bytes(sl.bits)),
        },
    }
    signed = signing.sign_document(doc, private_key(key), verification_method=key_id(key))
    sl.signed_json = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    sl.save(update_fields=["signed_json", "bits", "next_index", "updated_at"])


def _current_status_list_for_update() -> StatusList:
    """The first status list with a free entry, row locked; a new list (signed) when every list is full."""
    sl = StatusList.objects.select_for_update().filter(next_index__lt=F("size")).order_by("number").first()
    if sl is None:
        number = (StatusList.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        try:
            with transaction.atomic():
                sl = StatusList.objects.create(number=number, bits=bytes(statuslist.new_bitstring()))
                sl = StatusList.objects.select_for_update().get(pk=sl.pk)
                _sign_status_list(sl)
        except IntegrityError:
            # Another process created list `number` at the same moment: use it (its row lock waits).
            sl = StatusList.objects.select_for_update().get(number=number)
    return sl


_RANDOM = secrets.SystemRandom()


def _allocation_map(sl: StatusList) -> bytearray:
    """The list's map of allocated entries; a list from before random allocation had its first ``next_index``."""
    if sl.allocated and len(sl.allocated) * 8 == sl.size:
        return bytearray(sl.allocated)
    return statuslist.allocated_prefix(sl.size, min(sl.next_index, sl.size))


@transaction.atomic
def allocate_status_entry(rng=None) -> tuple[StatusList, int]:
    """Reserve a free entry of a status list, drawn at random among the list's free entries (Bitstring Status
    List: indices SHOULD be random, so that one tells nothing about its holder), under the list's row lock: two
    issuers never get the same entry (the unique status entry of ``Credential`` is the backstop). A full list
    rolls to a new one. An entry reserved by an issuance that then fails is simply never used."""
    sl = _current_status_list_for_update()
    allocated = _allocation_map(sl)
    index = statuslist.random_free_index(allocated, rng or _RANDOM)
    statuslist.set_bit(allocated, index)
    StatusList.objects.filter(pk=sl.pk).update(allocated=bytes(allocated), next_index=F("next_index") + 1)
    sl.allocated, sl.next_index = bytes(allocated), sl.next_index + 1
    return sl, index


def status_list_document(number: int) -> dict | None:
    sl = StatusList.objects.filter(number=number).only("signed_json").first()
    return json.loads(sl.signed_json) if sl and sl.signed_json else None


# ------------------------------------------------------------------------------------ achievements
def achievement_document(ach: Achievement) -> dict:
    texts = ach.texts(signed=True)
    doc = {
        "id": achievement_url(ach.slug),
        "type": ["Achievement"],
        "achievementType": ach.achievement_type,
        "name": texts["name"],
        "description": texts["description"],
        "criteria": {"narrative": texts["criteria_narrative"]},
        "image": {"id": achievement_image_url(ach.slug), "type": "Image", "caption": ach.name},
        "creator": issuer_profile(full=False),
    }
    if ach.credits_available is not None:
        doc["creditsAvailable"] = json_number(ach.credits_available)
    if ach.tags:
        doc["tag"] = [str(t) for t in ach.tags]
    alignments = [{"targetName": sk.name, "targetUrl": skill_url(sk.slug), "targetDescription": sk.description}
                  for sk in ach.skills.all()] if ach.pk else []
    alignments += list(ach.alignments or [])
    if alignments:
        doc["alignment"] = [
            {"type": ["Alignment"], "targetName": a["targetName"], "targetUrl": a["targetUrl"],
             **({"targetDescription": a["targetDescription"]} if a.get("targetDescription") else {})}
            for a in alignments
        ]
    return doc


def json_number(value: Decimal) -> int | float:
    """A Decimal (ECTS credits: one decimal at most) as the JSON number the OB 3.0 schema wants for
    ``creditsAvailable`` / ``creditsEarned`` (an ``xsd:float``): an int when whole (6), else the float whose shortest
    repr is the same decimal (2.5, 1.3): it is written to the JSON text only, never computed with."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value.normalize():
        raise ValueError(f"{value} has no exact short JSON form")
    return number


def criteria_for_certification(cert, lang: str = "en") -> str:
    """Narrative criteria from an exams Certification, in ``lang``: its exam, the weights and the pass mark."""
    from exams.models import tr

    exam = cert.exam
    with translation.override(lang):
        params = {"exam": tr(exam, "title", lang), "theory": _pct(exam.theory_weight),
                  "practical": _pct(exam.practical_weight), "pass_mark": _pct(exam.pass_mark)}
        if exam.has_practical:
            return _("Pass the certification exam “%(exam)s” (theory %(theory)s %%, practical %(practical)s %%, "
                     "the practical part graded by an examiner against a rubric) with a weighted score of at least "
                     "%(pass_mark)s %%.") % params
        return _("Pass the certification exam “%(exam)s” (theory %(theory)s %%) with a weighted score of at least "
                 "%(pass_mark)s %%.") % params


def _pct(value: Decimal) -> str:
    """A weight for people in the active language: 60, 62.5 (62,5 in French)."""
    return number_format(Decimal(value).normalize())


DOMAIN_SKILLS = {  # the skill a certification of a programme domain assesses, in English (signed) and French
    "sound": {
        "name": "Sound engineering", "name_fr": "Ingénierie du son",
        "description": "Live and studio sound engineering: signal flow, mixing, acoustics, monitoring and the "
                       "show's safety, as assessed by the Flow Stage certification exams.",
        "description_fr": "Sonorisation live et studio : chaîne du signal, mixage, acoustique, retours et sécurité "
                          "du spectacle, telles que les évaluent les examens de certification Flow Stage.",
    },
    "lighting": {
        "name": "Stage lighting", "name_fr": "Éclairage scénique",
        "description": "Stage lighting: rigging, electrical safety, fixtures and consoles, lighting design.",
        "description_fr": "Éclairage scénique : accroche, sécurité électrique, projecteurs et consoles, "
                          "conception lumière.",
    },
}


@transaction.atomic
def ensure_skill(domain: str) -> Skill:
    """The skill of a programme domain (``partnerships.Programme.Domain``), created on first use with the domain's
    name in English and French and a description; an existing skill is left as its editors made it."""
    from django.utils.text import slugify

    from partnerships.models import Programme

    slug = slugify(domain)[:80] or "skill"
    skill = Skill.objects.filter(slug=slug).first()
    if skill is not None:
        return skill
    label = dict(Programme.Domain.choices).get(domain, domain)
    with translation.override("en"):
        name = str(label)
    with translation.override("fr"):
        name_fr = str(label)
    texts = DOMAIN_SKILLS.get(domain) or {
        "name": name, "name_fr": name_fr,
        "description": f"Professional competences of the {name} domain, as assessed by the Flow Stage "
                       f"certification exams.",
        "description_fr": f"Compétences professionnelles du domaine {name_fr}, telles que les évaluent les "
                          f"examens de certification Flow Stage.",
    }
    try:
        with transaction.atomic():
            return Skill.objects.create(slug=slug, **texts)
    except IntegrityError:  # created by another process at the same moment
        return Skill.objects.get(slug=slug)


@transaction.atomic
def ensure_achievement_for_certification(cert) -> Achievement:
    """The Achievement of an exams Certification (created on first use, kept in sync)."""
    from django.utils.text import slugify

    name = (cert.name_en or cert.name_fr)[:200]
    competences = [c for c in (cert.required_domain,) if c]
    fields = {
        "name": name,
        "description": (cert.description_en or cert.description_fr or name)[:2000],
        "criteria_narrative": criteria_for_certification(cert, "en"),
        "name_fr": cert.name_fr[:200],
        "description_fr": cert.description_fr[:2000],
        "criteria_narrative_fr": criteria_for_certification(cert, "fr"),
        "tags": ["Flow Stage Ready", *[c.title() for c in competences]],
    }
    skills = [ensure_skill(c) for c in competences]
    ach = Achievement.objects.select_for_update().filter(certification=cert).first()
    if ach is None:
        slug = slugify(cert.code or name)[:100] or "certification"
        if Achievement.objects.filter(slug=slug).exists():
            slug = f"{slug}-{cert.pk}"
        ach = Achievement.objects.create(slug=slug, certification=cert, **fields)
    else:
        # The skills replace the alignments an earlier version wrote as JSON (a link to a page that did not exist).
        fields["alignments"] = [a for a in ach.alignments or [] if "/competences/" not in str(a.get("targetUrl", ""))]
        changed = [k for k, v in fields.items() if getattr(ach, k) != v]
        for k in changed:
            setattr(ach, k, fields[k])
        if changed:
            ach.save(update_fields=[*changed, "updated_at"])
    if {sk.pk for sk in ach.skills.all()} != {sk.pk for sk in skills}:
        ach.skills.set(skills)
    return ach


# ------------------------------------------------------------------------------------ other apps' achievements
ACHIEVEMENT_FIELDS = ("name", "name_fr", "description", "description_fr", "criteria_narrative",
                      "criteria_narrative_fr", "achievement_type", "tags", "validity_days")


@transaction.atomic
def ensure_achievement(slug: str, **fields) -> Achievement:
    """The Achievement named ``slug`` for another app's record (e.g. a completed internship, ``careers``), created
    on first use and kept in sync with ``fields`` (those of ``ACHIEVEMENT_FIELDS``)."""
    unknown = set(fields) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown achievement fields: {sorted(unknown)}")
    ach = Achievement.objects.select_for_update().filter(slug=slug).first()
    if ach is None:
        try:
            with transaction.atomic():
                return Achievement.objects.create(slug=slug, **fields)
        except IntegrityError:
            ach = Achievement.objects.select_for_update().get(slug=slug)
    changed = [k for k, v in fields.items() if getattr(ach, k) != v]
    for k in changed:
        setattr(ach, k, fields[k])
    if changed:
        ach.save(update_fields=[*changed, "updated_at"])
    return ach


# ------------------------------------------------------------------------------------ credentials
def identity_object(email: str, salt: str) -> dict:
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "identityHash": f"sha256${digest}", "identityType": "emailAddress",
            "hashed": True, "salt": salt}


def build_credential_document(
    *, credential_id, achievement: Achievement, email: str, valid_from: datetime,
    valid_until: datetime | None, status_list: StatusList, status_index: int,
    narrative: str = "", evidence: list | None = None, extra: dict | None = None,
    credits_earned: Decimal | None = None,
) -> dict:
    doc = {
        "@context": [VC_V2, OB_V3P0],
        "id": credential_url(credential_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(full=False),
        "validFrom": xsd(valid_from),
        "name": achievement.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identity_object(email, secrets.token_hex(8))],
            "achievement": achievement_document(achievement),
        },
        "credentialStatus": {
            "id": f"{status_list_url(status_list.number)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(status_list.number),
        },
    }
    if credits_earned is not None:
        doc["credentialSubject"]["creditsEarned"] = json_number(credits_earned)
    if valid_until:
        doc["validUntil"] = xsd(valid_until)
    ev = list(evidence or [])
    if narrative:
        ev.append({"type": ["Evidence"], "name": "Assessment", "narrative": narrative})
    if ev:
        doc["evidence"] = ev
    if extra:
        doc.update(extra)
    return doc


def sign_credential(doc: dict, key: SigningKey, *, created: str | None = None) -> str:
    """Sign an achievement credential with ``key`` and serialise it as stored: ``proof`` is an array of the one
    proof, as the Open Badges 3.0 AchievementCredential JSON Schema requires. With ``BADGES_SCHEMA_CHECK`` (the
    test suite) the signed document is checked against that schema and a violation raises ``SchemaViolation``.
    Raises ``IssuanceError`` when the document is not safe to sign."""
    try:
        signed = signing.sign_document(doc, private_key(key), verification_method=key_id(key), created=created,
                                       proof_set=True)
    except (jsonld.CredentialJsonLdError, signing.ProofError) as exc:
        raise IssuanceError(_("The credential was not signed: %(reason)s") % {"reason": exc}) from exc
    if getattr(settings, "BADGES_SCHEMA_CHECK", False):
        from badges import schema

        schema.check(signed)
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


STATUS_ENTRY_TRIES = 3


@dataclass
class IssueResult:
    credential: Credential
    created: bool


def issue_credential(
    user, achievement: Achievement, *, attempt_id: int | None = None, score=None, narrative: str = "",
    narrative_fr: str = "", evidence: list | None = None, issued_by=None, valid_from: datetime | None = None,
    valid_until: datetime | None = None, extra: dict | None = None, notify: bool = True,
    credits_earned: Decimal | None = None, bulk_job_id: int | None = None,
) -> IssueResult:
    """Sign and store an OpenBadgeCredential. Idempotent per attempt: a second call for the same
    attempt returns the existing credential (unique key on the attempt is the backstop), and per recipient of a bulk
    job (``bulk_job_id``: unique key on the job and the user). ``narrative`` is signed (the assessment's evidence);
    ``narrative_fr``, its French version for French readers, is not. ``notify``: the holder's e-mail is due from the
    insert on and sent after the commit; if that does not happen (a worker killed, the mail server down), ``sweep``
    sends it."""
    existing = _existing(attempt_id, bulk_job_id, user)
    if existing:
        return IssueResult(existing, False)
    if not user.email:
        raise IssuanceError(_("The recipient has no e-mail address."))
    now = timezone.now().replace(microsecond=0)
    valid_from = (valid_from or now).replace(microsecond=0)
    if valid_until is None and achievement.validity_days:
        valid_until = valid_from + timedelta(days=achievement.validity_days)
    key = active_key()
    for attempt_no in range(STATUS_ENTRY_TRIES):
        sl, index = allocate_status_entry()
        cred = Credential(user=user, achievement=achievement, attempt_id=attempt_id, signing_key=key,
                          status_list=sl, status_index=index, narrative=narrative, narrative_fr=narrative_fr,
                          score=score, valid_from=valid_from, valid_until=valid_until, issued_by=issued_by,
                          credits_earned=credits_earned, bulk_job_id=bulk_job_id, email_pending=notify)
        doc = build_credential_document(
            credential_id=cred.id, achievement=achievement, email=user.email, valid_from=valid_from,
            valid_until=valid_until, status_list=sl, status_index=index, narrative=narrative,
            evidence=evidence, extra=extra, credits_earned=credits_earned)
        cred.signed_json = sign_credential(doc, key)
        try:
            with transaction.atomic():
                cred.save(force_insert=True)
                transparency.append("issued", cred)  # in the same transaction: never issued without its entry
            break
        except IntegrityError:
            # Issued by another process meanwhile (a task redelivered after its worker was lost, a sweep): the
            # status entry reserved above is simply never used.
            existing = _existing(attempt_id, bulk_job_id, user)
            if existing:
                return IssueResult(existing, False)
            taken = Credential.objects.filter(status_list=sl, status_index=index).exists()
            if not taken or attempt_no == STATUS_ENTRY_TRIES - 1:
                raise
            # The entry is already some credential's (an allocation map out of step with the rows): another one,
            # signed anew since the index is in the signed document.
            log.warning("status entry %s#%s already taken, drawing another", sl.number, index)
    if notify:
        transaction.on_commit(lambda: notify_holder(cred.pk, only_if_due=True))
    return IssueResult(cred, True)


def _existing(attempt_id, bulk_job_id, user) -> Credential | None:
    if attempt_id is not None:
        return Credential.objects.filter(attempt_id=attempt_id).first()
    if bulk_job_id is not None:
        return Credential.objects.filter(bulk_job_id=bulk_job_id, user=user).first()
    return None


def recipient_language(user) -> str:
    """The language in which to write to ``user``: their preferred one when the platform has it, else French."""
    lang = (getattr(user, "preferred_language", "") or "")[:2]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def email_claim_timeout() -> timedelta:
    """How long a claimed e-mail may stay unsent before the sweep takes it over (its sender was lost)."""
    return timedelta(seconds=getattr(settings, "BADGES_EMAIL_CLAIM_TIMEOUT_SECONDS", 600))


def notify_holder(credential_pk, *, only_if_due: bool = False) -> bool:
    """E-mail the holder their new badge, in their preferred language: the achievement's name as the credential
    signed it (its French version for a French reader), the links to their badge page and to the public page.

    ``only_if_due`` (after an issuance, the sweep): only if the e-mail is still due and nobody else is sending it,
    claimed by one UPDATE first, so two senders (a task redelivered, the sweep) never both send it. True if sent."""
    if only_if_due:
        now = timezone.now()
        free = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - email_claim_timeout())
        if not Credential.objects.filter(free, pk=credential_pk, email_pending=True).update(email_claimed_at=now):
            return False
    cred = Credential.objects.select_related("user", "achievement").filter(pk=credential_pk).first()
    if cred is None:
        return False
    from django.urls import reverse
    from django.utils.formats import date_format

    from lms.links import absolute_url

    lang = recipient_language(cred.user)
    with translation.override(lang):
        name = cred.texts(lang)["name"]
        detail = absolute_url(reverse("badges:detail", args=[cred.pk]))
        subject = _("Your badge: %(name)s") % {"name": name}
        body = _(
            "Congratulations! Flow Stage Academy has issued you the badge “%(name)s”.\n\n"
            "Your badge, its files (signed credential, image, PDF certificate) and privacy settings: %(detail)s\n"
            "Public verification link: %(verify)s\n"
        ) % {"name": name, "detail": detail, "verify": short_url(cred.short_id)}
        valid_until = cred.validity.valid_until
        if valid_until:
            body += "\n" + _("The badge is valid until %(date)s.") % {
                "date": date_format(timezone.localtime(valid_until), "DATE_FORMAT")} + "\n"
    try:
        send_mail(subject, body, None, [cred.user.email])
    except Exception:  # noqa: BLE001 - a mail outage must not undo an issued credential
        log.exception("badge e-mail to %s failed (the sweep tries again)", cred.user.pk)
        Credential.objects.filter(pk=cred.pk).update(email_claimed_at=None)
        return False
    Credential.objects.filter(pk=cred.pk).update(email_pending=False, email_sent_at=timezone.now())
    return True


@transaction.atomic
def revoke_credential(credential: Credential, *, reason: str, reason_fr: str = "", by=None) -> Credential:
    """Set the credential's status bit and re-sign the status list credential. ``reason_fr``: an optional French
    version of the reason, shown to French readers."""
    reason = (reason or "").strip()
    if not reason:
        raise IssuanceError(_("A reason is required to revoke a credential."))
    cred = Credential.objects.select_for_update().get(pk=credential.pk)
    if cred.revoked_at:
        return cred
    sl = StatusList.objects.select_for_update().get(pk=cred.status_list_id)
    bits = bytearray(sl.bits)
    statuslist.set_bit(bits, cred.status_index, True)
    sl.bits = bytes(bits)
    _sign_status_list(sl)
    cred.revoked_at = timezone.now()
    cred.revocation_reason = reason[:300]
    cred.revocation_reason_fr = (reason_fr or "").strip()[:300]
    cred.save(update_fields=["revoked_at", "revocation_reason", "revocation_reason_fr"])
    transparency.append("revoked", cred, at=cred.revoked_at)
    return cred


# ------------------------------------------------------------------------------------ re-issuance (key compromise)
def current_credential(cred: Credential) -> Credential:
    """The credential that stands for ``cred`` now: itself, or the end of its chain of re-issues."""
    if cred.superseded_at is None:
        return cred
    successor_of, frontier = {}, [cred.pk]
    for _step in range(keyrules.MAX_CHAIN):  # one query per link; a chain is one link per compromise
        rows = list(Credential.objects.filter(replaces_id__in=frontier).values_list("replaces_id", "pk"))
        if not rows:
            break
        successor_of.update(rows)
        frontier = [pk for _old, pk in rows]
    pk = keyrules.current_of_chain(cred.pk, successor_of)
    return cred if pk == cred.pk else Credential.objects.select_related("achievement", "user").get(pk=pk)


def reissue_credential(credential: Credential) -> IssueResult:
    """Re-issue ``credential`` with the signing key: the same signed document (achievement, subject, evidence,
    ``validFrom`` / ``validUntil``, status entry) under a new id, a new proof; the old one is superseded (its
    page links to the new one) and its attempt moves to the new one; the copies in the holder's wallets are re-signed
    of the new one for the same DIDs (``wallet.resign_copies``). Idempotent: a credential has at most one
    re-issue (a unique key), returned when it exists. The holder is told on commit (``notify_reissued``)."""
    from badges import wallet

    with transaction.atomic():
        old = Credential.objects.select_for_update().get(pk=credential.pk)
        existing = Credential.objects.filter(replaces=old).first()
        if existing is not None:
            return IssueResult(existing, False)
        key = signing_key()
        new = Credential(
            user_id=old.user_id, achievement_id=old.achievement_id, signing_key=key,
            status_list_id=old.status_list_id, status_index=old.status_index, narrative=old.narrative,
            narrative_fr=old.narrative_fr, score=old.score, valid_from=old.valid_from, valid_until=old.valid_until,
            issued_by_id=old.issued_by_id, revoked_at=old.revoked_at, revocation_reason=old.revocation_reason,
            revocation_reason_fr=old.revocation_reason_fr, privacy=old.privacy, replaces=old)
        doc = json.loads(old.signed_json)
        doc.pop("proof", None)
        doc["id"] = credential_url(new.id)
        try:
            signed = signing.sign_document(doc, private_key(key), verification_method=key_id(key))
        except (jsonld.CredentialJsonLdError, signing.ProofError) as exc:
            raise IssuanceError(_("The credential was not signed: %(reason)s") % {"reason": exc}) from exc
        new.signed_json = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
        attempt_id = old.attempt_id
        old.superseded_at = timezone.now()
        old.attempt = None
        old._change_reason = "superseded by a re-issue (key compromise)"
        old.save(update_fields=["superseded_at", "attempt"])
        new.attempt_id = attempt_id
        new.save(force_insert=True)
        transparency.append("reissued", new, replaces=old)
        wallet.resign_copies(old, new)  # the copies in the holder's wallets, made anew of the re-issue
        transaction.on_commit(lambda: _enqueue_reissue_mail(new.pk), robust=True)
    return IssueResult(new, True)


def _enqueue_reissue_mail(credential_pk) -> None:
    from badges.tasks import notify_reissued

    notify_reissued.delay(str(credential_pk))


def _signed_by(signed_json: str) -> str:
    try:
        proof = json.loads(signed_json).get("proof")
    except (ValueError, AttributeError):
        return ""
    proof = proof[0] if isinstance(proof, list) and proof else proof
    return proof.get("verificationMethod", "") if isinstance(proof, dict) else ""


def reissue_compromised(*, limit: int = 100) -> dict:
    """One batch of the re-issuance sweep: re-issue up to ``limit`` credentials a compromised key signed (not
    superseded yet) with their wallet copies, re-sign the wallet copies a compromised key signed of credentials that
    need no re-issue (``wallet.resign_copies``, a credential's copies together), then re-sign the status lists a
    compromised key signed. Idempotent; each re-issue is its own transaction. Returns ``{"reissued",
    "copies_resigned", "remaining", "waiting_until"}`` (``waiting_until``: no key may sign before that time, nothing
    was done)."""
    from badges import wallet

    unsent = Credential.objects.filter(Q(replaces__isnull=False, reissue_notified_at__isnull=True)
                                       | Q(holder_copies__replaces__isnull=False, holder_copies__notified_at__isnull=True,
                                           holder_copies__superseded_at__isnull=True),
                                       superseded_at__isnull=True).distinct()
    for pk in unsent.values_list("pk", flat=True)[:limit]:  # an e-mail whose sending failed is sent again
        _enqueue_reissue_mail(pk)
    todo = Credential.objects.filter(signing_key__status=SigningKey.Status.REVOKED, superseded_at__isnull=True)
    copies = (HolderCopy.objects.filter(signing_key__status=SigningKey.Status.REVOKED, superseded_at__isnull=True)
              .exclude(credential__in=todo))
    compromised = {key_id(k) for k in SigningKey.objects.filter(status=SigningKey.Status.REVOKED)}
    lists = [sl.pk for sl in StatusList.objects.only("signed_json") if _signed_by(sl.signed_json) in compromised]
    if not compromised or (not lists and not todo.exists() and not copies.exists()):
        return {"reissued": 0, "copies_resigned": 0, "remaining": 0, "waiting_until": None}
    try:
        signing_key()
    except KeyNotReady as exc:
        return {"reissued": 0, "copies_resigned": 0, "remaining": todo.count() + copies.count(),
                "waiting_until": exc.retry_at}
    done = 0
    for cred in list(todo.order_by("issued_at", "pk")[:limit]):
        if reissue_credential(cred).created:
            done += 1
    resigned = 0
    for cred_pk in list(copies.order_by("credential_id").values_list("credential_id", flat=True).distinct()[:limit]):
        with transaction.atomic():
            old = Credential.objects.select_for_update().get(pk=cred_pk)
            cred = current_credential(old)
            made = wallet.resign_copies(old, cred, compromised_only=True)
            if made:
                resigned += len(made)
                transaction.on_commit(lambda pk=cred.pk: _enqueue_reissue_mail(pk), robust=True)
    for pk in lists:
        with transaction.atomic():
            sl = StatusList.objects.select_for_update().get(pk=pk)
            if _signed_by(sl.signed_json) in compromised:
                _sign_status_list(sl)
    return {"reissued": done, "copies_resigned": resigned, "remaining": todo.count() + copies.count(),
            "waiting_until": None}


def copy_filenames(copies) -> list[str]:
    """The names the re-signed wallet copies take as e-mail attachments: ``wallet-copy.json``, or numbered."""
    return ["wallet-copy.json"] if len(copies) == 1 else [f"wallet-copy-{i}.json" for i in range(1, len(copies) + 1)]


def notify_reissued(credential_pk) -> bool:
    """E-mail the holder of a re-issued credential, or of wallet copies re-signed after a key compromise, in their
    language: why (the signing key was replaced as a precaution), what is superseded, the links, and the new files
    attached: the signed credential, baked badge image and QR code of a re-issue; each re-signed wallet copy
    (``wallet-copy.json``), named by the wallet's DID, to replace the one in the wallet. One e-mail says both.
    Sent once: ``reissue_notified_at`` and the copies' ``notified_at`` are claimed first, under the credential's row
    lock (two senders never both send); a failure to send releases the claims and raises, so that the task retries.
    False when there is nothing to send."""
    from django.core.mail import EmailMessage
    from django.urls import reverse

    from badges import media
    from lms.links import absolute_url

    cred = Credential.objects.select_related("user", "achievement").filter(pk=credential_pk).first()
    if cred is None or not cred.user.email or cred.superseded_at is not None:
        return False
    now = timezone.now()
    with transaction.atomic():
        Credential.objects.select_for_update().filter(pk=cred.pk).values_list("pk", flat=True).first()
        reissued = cred.replaces_id is not None and bool(Credential.objects.filter(
            pk=cred.pk, reissue_notified_at__isnull=True).update(reissue_notified_at=now))
        copies = list(HolderCopy.objects.filter(credential=cred, replaces__isnull=False, superseded_at__isnull=True,
                                                notified_at__isnull=True).order_by("issued_at", "pk"))
        HolderCopy.objects.filter(pk__in=[c.pk for c in copies]).update(notified_at=now)
    if not reissued and not copies:
        return False
    lang = recipient_language(cred.user)
    files = copy_filenames(copies)
    with translation.override(lang):
        name = cred.texts(lang)["name"]
        links = {"name": name, "detail": absolute_url(reverse("badges:detail", args=[cred.pk])),
                 "verify": short_url(cred.short_id)}
        if reissued:
            subject = _("Your badge has been re-issued: %(name)s") % links
            body = _(
                "Flow Stage Academy has replaced the key that signed your badge “%(name)s”, as a security precaution. "
                "Your badge has been re-issued, signed with the new key: same achievement, same dates. The previous "
                "file no longer verifies; replace it wherever you shared it (wallet, profile, CV).\n\n"
                "The new signed credential, badge image and QR code are attached.\n"
                "Your badge: %(detail)s\n"
                "Public verification link: %(verify)s\n"
            ) % links
        else:
            subject = _("Replace your badge in your wallet: %(name)s") % links
            body = _(
                "Flow Stage Academy has replaced the key that signed the copy of your badge “%(name)s” that you put "
                "in a digital wallet, as a security precaution. Your badge itself does not change.\n\n"
                "Your badge: %(detail)s\n"
            ) % links
        if copies:
            body += "\n" + _(
                "The copy of this badge in your digital wallet no longer verifies: replace it. Import into your "
                "wallet the re-signed copy attached, bound to the same wallet identifier (DID), or add the badge to "
                "your wallet again from your badge page (%(detail)s):"
            ) % links + "\n" + "".join(
                "- " + _("%(file)s, for the wallet %(did)s") % {"file": f, "did": c.holder_did} + "\n"
                for f, c in zip(files, copies))
    msg = EmailMessage(subject, body, None, [cred.user.email])
    if reissued:
        msg.attach("credential.json", cred.signed_json.encode("utf-8"), "application/ld+json")
        msg.attach("badge.png", media.bake_png(_badge_png(cred.achievement), cred.signed_json), "image/png")
        msg.attach("qr.png", media.qr_png(short_url(cred.short_id)), "image/png")
    for f, c in zip(files, copies):
        msg.attach(f, c.signed_json.encode("utf-8"), "application/ld+json")
    try:
        msg.send()
    except Exception:
        if reissued:
            Credential.objects.filter(pk=cred.pk).update(reissue_notified_at=None)
        HolderCopy.objects.filter(pk__in=[c.pk for c in copies]).update(notified_at=None)
        raise
    return True


def signed_base(cred: Credential) -> str:
    """The public address ``cred`` was signed under (its id is ``<base>/credentials/<uuid>``)."""
    doc_id = json.loads(cred.signed_json).get("id", "")
    tail = f"/credentials/{cred.pk}"
    return doc_id[: -len(tail)] if isinstance(doc_id, str) and doc_id.endswith(tail) else ""


def _rebased(value, old_base: str, old_did: str):
    if isinstance(value, dict):
        return {k: _rebased(v, old_base, old_did) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebased(v, old_base, old_did) for v in value]
    if isinstance(value, str):
        if value == old_did or value.startswith(old_did + "#"):
            return issuer_did() + value[len(old_did):]
        if value == old_base or value.startswith(old_base + "/"):
            return base_url() + value[len(old_base):]
    return value


@transaction.atomic
def rebase_credential(credential: Credential) -> bool:
    """Re-sign a credential signed under another public address with the current one (PUBLIC_BASE_URL), the
    same content, dates (the proof's ``created`` too) and status entry otherwise, by the active key. For the embedded demo only (seed_demo,
    which refuses to run in production), when it runs on another host or port than the one that issued: a
    real deployment never changes the address its credentials were signed under. False when nothing changed."""
    cred = Credential.objects.select_for_update().get(pk=credential.pk)
    old_base = signed_base(cred)
    if not old_base or old_base == base_url():
        return False
    doc = json.loads(cred.signed_json)
    created = (signing.single_proof(doc) or {}).get("created")
    doc.pop("proof", None)
    doc = _rebased(doc, old_base, issuer_did(old_base))
    key = active_key()
    cred.signed_json = sign_credential(doc, key, created=created if signing.is_xsd_datetime(created) else None)
    replaced = Credential(pk=cred.pk, signed_json=Credential.objects.get(pk=cred.pk).signed_json)
    cred.signing_key = key
    cred.save(update_fields=["signed_json", "signing_key"])
    transparency.append("reissued", cred, replaces=replaced)  # signed anew: the new document is logged
    for sl in StatusList.objects.select_for_update().filter(pk=cred.status_list_id):
        if not sl.signed_json or json.loads(sl.signed_json).get("id") != status_list_url(sl.number):
            _sign_status_list(sl)
    return True


def set_privacy(credential: Credential, privacy: str) -> Credential:
    if privacy not in Credential.Privacy.values:
        raise IssuanceError(_("Unknown privacy setting."))
    Credential.objects.filter(pk=credential.pk).update(privacy=privacy)
    credential.privacy = privacy
    return credential


# ------------------------------------------------------------------------------------ exams link
def issue_for_attempt(attempt_id: int) -> IssueResult | None:
    """Issue the credential of a passed certification attempt (idempotent: one per attempt)."""
    existing = Credential.objects.filter(attempt_id=attempt_id).first()
    if existing:
        return IssueResult(existing, False)
    from exams.models import Attempt, Certification  # badges may import exams

    attempt = Attempt.objects.select_related("exam", "user").filter(pk=attempt_id).first()
    if attempt is None or not attempt.passed:
        return None
    cert = Certification.objects.filter(exam_id=attempt.exam_id).first()
    if cert is None:
        return None
    achievement = ensure_achievement_for_certification(cert)
    score = attempt.final_pct.quantize(Decimal("0.01")) if attempt.final_pct is not None else None
    return issue_credential(attempt.user, achievement, attempt_id=attempt.pk, score=score,
                            valid_from=attempt.graded_at)


# ------------------------------------------------------------------------------------ courses link (modules)
def _course_versions(course):
    """(French source page, English translation or None) of a course page (badges may import courses)."""
    from courses.models import CoursePage
    from courses.services import canonical

    source = canonical(course)
    english = CoursePage.objects.filter(translation_key=source.translation_key, locale__language_code="en") \
        .exclude(pk=source.pk).first()
    return source, english


def criteria_for_module(course, lang: str = "en", title: str | None = None) -> str:
    """Narrative criteria of a course module, in ``lang``: its weighted grade against the pass mark, its ECTS."""
    with translation.override(lang):
        return _("Pass the module “%(module)s” (%(code)s) with a weighted grade of at least %(pass_mark)s %% over "
                 "its assessment components, which earns %(ects)s ECTS credits.") % {
            "module": title or course.title, "code": course.code, "pass_mark": _pct(course.pass_mark),
            "ects": _pct(course.ects_credits)}


@transaction.atomic
def ensure_achievement_for_module(course) -> Achievement:
    """The Achievement of a course module (created on first use, kept in sync with the page): an OB 3.0
    ``Course`` achievement with the module's ECTS as ``creditsAvailable``; its signed texts in English when the
    module has an English version, else French, the French ones for French readers."""
    from django.utils.text import slugify

    source, english = _course_versions(course)
    shown = english or source
    fields = {
        "name": shown.title[:200],
        "description": (shown.summary or shown.title)[:2000],
        "criteria_narrative": criteria_for_module(source, "en", shown.title),
        "name_fr": source.title[:200],
        "description_fr": (source.summary or "")[:2000],
        "criteria_narrative_fr": criteria_for_module(source, "fr", source.title),
        "achievement_type": "Course",
        "credits_available": source.ects_credits,
        "validity_days": 0,  # credits on a record do not expire
        "tags": ["ECTS", *([source.code] if source.code else [])],
    }
    ach = Achievement.objects.select_for_update().filter(course=source).first()
    if ach is None:
        slug = ("module-" + slugify(source.code or source.title))[:100].rstrip("-") or "module"
        if Achievement.objects.filter(slug=slug).exists():
            slug = f"{slug}-{source.pk}"
        return Achievement.objects.create(slug=slug, course=source, colour="#0f766e", **fields)
    changed = [k for k, v in fields.items() if getattr(ach, k) != v]
    for k in changed:
        setattr(ach, k, fields[k])
    if changed:
        ach.save(update_fields=[*changed, "updated_at"])
    return ach


def module_credential(user_id: int, achievement: Achievement) -> Credential | None:
    return Credential.objects.filter(user_id=user_id, achievement=achievement, revoked_at__isnull=True).first()


@transaction.atomic
def issue_for_module(credit_record_id: int) -> IssueResult | None:
    """Issue the credential of a passed course module from the student's ECTS credit record (courses writes it):
    the module's achievement with ``creditsAvailable``, ``creditsEarned`` on the subject, the grade as the
    assessment's evidence. Idempotent: one credential in force per student and module (the achievement's row lock
    orders concurrent calls); None when the record is gone (the credits were withdrawn meanwhile)."""
    from courses.models import CreditRecord

    record = CreditRecord.objects.select_related("course", "user").filter(pk=credit_record_id).first()
    if record is None or record.course_id is None:  # gone, or credits of another kind (an internship's)
        return None
    achievement = ensure_achievement_for_module(record.course)
    Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
    existing = module_credential(record.user_id, achievement)
    if existing:
        return IssueResult(existing, False)
    grade = record.grade.quantize(Decimal("0.01"))
    texts = {}
    for lang in ("en", "fr"):  # the grade written as each language writes numbers (74.5, 74,5)
        with translation.override(lang):
            texts[lang] = _("Passed the module with a weighted grade of %(grade)s %%.") % {"grade": _pct(grade)}
    narrative, narrative_fr = texts["en"], texts["fr"]
    return issue_credential(record.user, achievement, score=record.grade.quantize(Decimal("0.01")),
                            narrative=narrative, narrative_fr=narrative_fr, valid_from=record.awarded_at,
                            credits_earned=record.ects)


@transaction.atomic
def revoke_module_credentials(user_id: int, course_id: int) -> int:
    """Revoke the credential in force of a module whose credits were withdrawn (a grade fell below the pass mark);
    the number revoked. A later pass issues a new one."""
    from courses.models import CreditRecord

    if CreditRecord.objects.filter(user_id=user_id, course_id=course_id).exists():
        return 0  # passed again since: the credential stays
    from courses.models import CoursePage
    from courses.services import canonical

    course = CoursePage.objects.filter(pk=course_id).first()
    achievement = Achievement.objects.filter(course=canonical(course)).first() if course else None
    cred = module_credential(user_id, achievement) if achievement else None
    if cred is None:
        return 0
    with translation.override("en"):
        reason = _("The module's credits were withdrawn after a change of grade.")
    with translation.override("fr"):
        reason_fr = _("The module's credits were withdrawn after a change of grade.")
    revoke_credential(cred, reason=reason, reason_fr=reason_fr)
    return 1


# ------------------------------------------------------------------------------------ bulk
@transaction.atomic
def start_bulk_issuance(*, achievement: Achievement, recipients: list[dict], created_by, cohort_id=None) -> BulkIssuance:
    if not recipients:
        raise IssuanceError(_("No recipients."))
    job = BulkIssuance.objects.create(achievement=achievement, recipients=recipients, created_by=created_by,
                                      cohort_id=cohort_id, total=len(recipients))
    from badges.tasks import run_bulk_issuance
    from lms.queue import enqueue

    # Not enqueued (the broker down): the job stays pending and the sweep runs it.
    transaction.on_commit(lambda: enqueue(run_bulk_issuance, job.pk))
    return job


def store_files(cred: Credential) -> list[str]:
    """Render the baked PNG badge and the QR code of a credential into the default storage
    (``badges/<id>/``), ready to attach or serve; idempotent (same names, overwritten)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from badges import media

    files = {
        f"badges/{cred.pk}/badge.png": media.bake_png(_badge_png(cred.achievement), cred.signed_json),
        f"badges/{cred.pk}/qr.png": media.qr_png(short_url(cred.short_id)),
    }
    for name, data in files.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
    return list(files)


_BADGE_PNG_CACHE: dict[tuple, bytes] = {}


def _badge_png(ach: Achievement) -> bytes:
    """The (unbaked) badge image of an achievement, rendered once per process and design."""
    from badges import media

    key = (ach.name, ach.colour)
    png = _BADGE_PNG_CACHE.get(key)  # one read: another thread may clear the memo between two
    if png is None:
        png = media.badge_png(ach.name, ach.colour)
        if len(_BADGE_PNG_CACHE) > 32:
            _BADGE_PNG_CACHE.clear()
        _BADGE_PNG_CACHE[key] = png
    return png


def _files_stored(cred_pk) -> bool:
    from django.core.files.storage import default_storage

    return all(default_storage.exists(f"badges/{cred_pk}/{name}") for name in ("badge.png", "qr.png"))


#: How often a running bulk job records its counters and heartbeat (``run_bulk``).
BULK_PROGRESS_SECONDS = 1.0


def run_bulk(job_id: int) -> BulkIssuance:
    """Issue one credential per recipient without one yet. Safe to run again, and even twice at once (a task
    redelivered after its worker was killed, the sweep): a recipient the job already issued to counts as issued
    (its files are stored again if the worker died before), one holding the achievement otherwise is skipped, and
    the unique key on (job, user) stops a second credential. The counters are recounted from the rows."""
    from django.contrib.auth import get_user_model

    job = BulkIssuance.objects.select_related("achievement", "created_by").get(pk=job_id)
    if job.status == BulkIssuance.Status.DONE:
        return job
    BulkIssuance.objects.filter(pk=job.pk).update(status=BulkIssuance.Status.RUNNING, heartbeat_at=timezone.now())
    users = get_user_model().objects.in_bulk([r["user_id"] for r in job.recipients])
    from_job = set(Credential.objects.filter(bulk_job=job).values_list("user_id", flat=True))
    elsewhere = set(Credential.objects.filter(achievement=job.achievement, revoked_at__isnull=True,
                                              user_id__in=list(users)).exclude(bulk_job=job)
                    .values_list("user_id", flat=True))
    issued = skipped = failed = 0
    errors, seen = [], set()
    next_progress = time.monotonic() + BULK_PROGRESS_SECONDS
    for r in job.recipients:
        user = users.get(r["user_id"])
        if user is None or user.pk in seen or user.pk in elsewhere:
            skipped += 1
        else:
            try:
                result = issue_credential(user, job.achievement, narrative=r.get("narrative", ""),
                                          issued_by=job.created_by, bulk_job_id=job.pk)
                if result.created or not _files_stored(result.credential.pk):
                    store_files(result.credential)
                issued += 1
            except Exception as exc:  # noqa: BLE001 - one failure must not stop the cohort
                log.exception("bulk issuance %s: user %s", job.pk, r.get("user_id"))
                errors.append({"user_id": r.get("user_id"), "error": str(exc)[:200]})
                failed += 1
        if user is not None:
            seen.add(user.pk)
        if time.monotonic() >= next_progress:  # one UPDATE a second, not one per recipient (far within the sweep's
            next_progress = time.monotonic() + BULK_PROGRESS_SECONDS  # grace for a lost worker)
            BulkIssuance.objects.filter(pk=job.pk).update(issued=issued, skipped=skipped, failed=failed,
                                                           errors=errors, heartbeat_at=timezone.now())
    BulkIssuance.objects.filter(pk=job.pk).update(issued=issued, skipped=skipped, failed=failed, errors=errors,
                                                   status=BulkIssuance.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


# ------------------------------------------------------------------------------------ sweep
def sweep_grace() -> timedelta:
    """How old a piece of unfinished work must be before the sweep takes it over (its task had time to run)."""
    return timedelta(seconds=getattr(settings, "BADGES_SWEEP_GRACE_SECONDS", 120))


def sweep(now=None, limit: int = 200) -> dict:
    """Finish what a lost task left undone, once (every step is idempotent; Celery beat runs this every
    BADGES_SWEEP_SECONDS): a passed certification attempt without its credential (the issuance task never enqueued,
    Redis down; or its worker killed), a holder's e-mail still due, a bulk job whose worker stopped moving it.
    Only work older than ``sweep_grace()`` is taken, so the normal path has time to do it first. It also forgets the
    used wallet nonces that have expired (``badges.wallet.spend_nonce``: an expired nonce is refused anyway)."""
    from exams.models import Attempt

    from badges.tasks import run_bulk_issuance
    from lms.queue import enqueue

    now = now or timezone.now()
    cutoff = now - sweep_grace()
    done = {"credentials": 0, "emails": 0, "bulk_jobs": 0}
    attempts = list(Attempt.objects.filter(passed=True, pass_notified_at__lt=cutoff, badge_credential__isnull=True,
                                           exam__certification__isnull=False)
                    .order_by("pk").values_list("pk", flat=True)[:limit])
    for attempt_id in attempts:
        try:
            result = issue_for_attempt(attempt_id)
            done["credentials"] += bool(result and result.created)
        except Exception:  # noqa: BLE001 - one failure must not stop the sweep; the next sweep tries again
            log.exception("sweep: issuance for attempt %s", attempt_id)
    due = (Credential.objects.filter(email_pending=True, issued_at__lt=cutoff)
           .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - email_claim_timeout()))
           .order_by("issued_at").values_list("pk", flat=True)[:limit])
    for pk in list(due):
        done["emails"] += notify_holder(pk, only_if_due=True)
    stale = (BulkIssuance.objects.filter(status__in=[BulkIssuance.Status.PENDING, BulkIssuance.Status.RUNNING])
             .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)))
    for job_id in list(stale.values_list("pk", flat=True)[:limit]):
        # Moved on now, so that the next sweep does not enqueue it again before the task starts.
        BulkIssuance.objects.filter(pk=job_id).update(heartbeat_at=now)
        done["bulk_jobs"] += enqueue(run_bulk_issuance, job_id)
    SpentNonce.objects.filter(expires_at__lt=now).delete()
    if any(done.values()):
        log.warning("sweep finished lost work: %s", done)
    return done


# ------------------------------------------------------------------------------------ offline QR (badges.compact)
def compact_payload(cred: Credential, signed_at: datetime | None = None, key: SigningKey | None = None):
    """The ``badges.compact.Payload`` of ``cred``: its holder, achievement (name as signed), dates and status entry,
    to be signed by ``key`` (default: the signing key) at ``signed_at`` (default: now)."""
    from badges import compact
    from uuid import UUID

    key = key or signing_key()
    validity = cred.validity
    try:
        signed_name = json.loads(cred.signed_json)["credentialSubject"]["achievement"]["name"]
    except (ValueError, KeyError, TypeError):
        signed_name = cred.achievement.name
    return compact.Payload(
        issuer=issuer_did(), key_number=key.number, credential_id=UUID(str(cred.pk)),
        holder=cred.user.get_display_name(), achievement=signed_name, achievement_slug=cred.achievement.slug,
        valid_from=validity.valid_from, valid_until=validity.valid_until, status_list=cred.status_list.number,
        status_index=cred.status_index, signed_at=(signed_at or timezone.now()).replace(microsecond=0))


def compact_qr_text(cred: Credential) -> str:
    """The offline QR code's text of ``cred`` (``FS1:`` + Base45), signed now with the signing key: a credential
    re-issued after a key compromise is presented by its current re-issue (``current_credential``)."""
    from badges import compact

    key = signing_key()
    return compact.sign(compact_payload(cred, key=key), private_key(key))


def trusted_keys(keys=None) -> dict:
    """The issuer's keys as ``badges.compact.TrustedKey`` by key id: the DID document's keys with their validity (a
    retired key until its retirement; a compromised key marked compromised: it verifies nothing)."""
    from badges import compact

    def to_second(dt, up=False):  # payloads carry whole seconds: a key signs from its publication's second on
        whole = dt.replace(microsecond=0)
        return whole + timedelta(seconds=1) if up and whole != dt else whole

    keys = list(SigningKey.objects.order_by("number")) if keys is None else keys
    return {key_id(k): compact.TrustedKey(
        public_key=signing.public_key_bytes(signing.public_key_from_multibase(k.public_key_multibase)),
        valid_from=to_second(k.published_at),
        valid_until=to_second(k.retired_at, up=True) if k.status == SigningKey.Status.RETIRED and k.retired_at
        else None,
        compromised=k.status == SigningKey.Status.REVOKED) for k in keys}


def verify_compact(text: str, now: datetime | None = None):
    """Verify an offline QR code's text against the issuer's keys and its status lists as they are now (the
    platform's side of what the offline page does with its cached copies). Never raises."""
    from badges import compact

    snapshots = {}
    try:
        raw, _sig = compact.split(text)
        number = compact.decode_payload(raw).status_list
    except compact.CompactError:
        number = None
    if number is not None:
        sl = StatusList.objects.filter(number=number).only("number", "purpose", "bits").first()
        if sl is not None:
            snapshots[sl.number] = compact.StatusSnapshot(sl.number, sl.purpose, timezone.now(), bytes(sl.bits))
    return compact.verify(text, trusted_keys(), snapshots, now=now)


def trust_bundle() -> dict:
    """What the offline verification page keeps (``/verify/scan/trust.json``): the issuer, its keys with their
    validity, a signed snapshot of every status list (``badges.compact.sign_snapshot``, dated now), and the
    achievements' names in both languages. ``KeyNotReady`` when no key may sign the snapshots."""
    from badges import compact

    key = signing_key()
    now = timezone.now().replace(microsecond=0)
    private, did, b64 = private_key(key), issuer_did(), signing.multibase_encode
    keys = []
    for k in SigningKey.objects.order_by("number"):
        trusted = trusted_keys([k])[key_id(k)]
        keys.append({
            "id": key_id(k), "publicKey": b64(trusted.public_key, "base64url")[1:],
            "status": "compromised" if trusted.compromised else k.status,
            "validFrom": xsd(trusted.valid_from),
            "validUntil": xsd(trusted.valid_until) if trusted.valid_until else None,
            "compromisedFrom": xsd(k.revoked_from) if trusted.compromised and k.revoked_from else None,
        })
    lists = [{
        "number": sl.number, "url": status_list_url(sl.number), "purpose": sl.purpose, "date": xsd(now),
        "snapshot": b64(compact.sign_snapshot(issuer=did, key_number=key.number, number=sl.number,
                                              purpose=sl.purpose, date=now, bits=bytes(sl.bits),
                                              private_key=private), "base64url")[1:],
    } for sl in StatusList.objects.order_by("number").only("number", "purpose", "bits")]
    achievements = {a.slug: {"signed": a.name, "en": a.name, "fr": a.name_fr or a.name}
                    for a in Achievement.objects.only("slug", "name", "name_fr")}
    return {"format": "FS1", "issuer": {"id": did, "name": get_issuer().name}, "generated": xsd(now),
            "keys": keys, "statusLists": lists, "achievements": achievements}
