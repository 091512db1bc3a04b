"""Models of the badges app: issuer, signing keys, achievements, credentials, status lists, bulk jobs.

badges may import exams (DESIGN §2): an achievement belongs to a Certification, a credential
issued automatically to the passed Attempt (one credential per attempt: a unique key).
"""
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Issuer(models.Model):
    """The platform's issuer profile (one row). Its id is the did:web of PUBLIC_BASE_URL."""

    name = models.CharField(_("name"), max_length=200, default="Flow Stage Academy")
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issuer")

    def __str__(self):
        return self.name


class SigningKey(models.Model):
    """An Ed25519 key of the issuer (``badges.keyrules`` states its lifecycle). Pending: published in the DID
    document, not signing yet (until ``usable_from``). Active: signs. Retired: replaced by a planned rotation, still
    verifies what it signed. Revoked: declared compromised from ``revoked_from`` (``revocation_reason``), out of the
    DID document's ``assertionMethod``; what it signed is re-issued with the signing key."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending (published, not signing yet)")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        REVOKED = "revoked", _("Compromised")

    number = models.PositiveIntegerField(unique=True)  # the N of did:web:…#key-N
    public_key_multibase = models.CharField(max_length=100, unique=True)
    encrypted_private_key = models.TextField()  # badges.signing.encrypt_private_key, aad = key id
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published in the DID document"), default=timezone.now)
    usable_from = models.DateTimeField(_("signs from"), default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_from = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="badges_one_active_key"
            ),
        ]

    def __str__(self):
        return f"key-{self.number} ({self.status})"

    @property
    def fragment(self) -> str:
        return f"key-{self.number}"


def reader_language(lang: str | None = None) -> str:
    """``lang`` or else the active language (the page's), as a two-letter code."""
    return (lang or translation.get_language() or settings.LANGUAGE_CODE)[:2]


class Skill(models.Model):
    """A professional competence achievements align to (the Open Badges ``Alignment`` of an achievement), with a
    public page at ``/competences/<slug>/`` (the signed ``targetUrl`` is ``<base>/competences/<slug>``).

    ``name`` and ``description`` are signed into credentials as ``targetName`` / ``targetDescription`` (English,
    like every signed text); ``*_fr`` are their French versions, shown to French readers. ``courses``: the
    courses (French source pages) that teach it, besides the preparation courses of its certifications."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    courses = models.ManyToManyField("courses.CoursePage", blank=True, related_name="+",
                                     verbose_name=_("courses that teach it"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name

    def text(self, field: str, lang: str | None = None) -> str:
        """``name`` or ``description`` for a reader of ``lang``: the French version for French when there is one."""
        if field not in ("name", "description"):
            raise ValueError(f"not a translated field: {field}")
        return (reader_language(lang) == "fr" and getattr(self, f"{field}_fr")) or getattr(self, field)


class Achievement(models.Model):
    """What a credential certifies. ``name``, ``description`` and ``criteria_narrative`` are the texts signed
    into credentials (one language: English when the platform has it); the ``*_fr`` fields are their French
    versions, shown on the pages to French readers (``text``), never signed."""

    TRANSLATED_FIELDS = ("name", "description", "criteria_narrative")

    slug = models.SlugField(max_length=120, unique=True)
    certification = models.OneToOneField("exams.Certification", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="badge_achievement")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    criteria_narrative = models.TextField(_("criteria"), blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    criteria_narrative_fr = models.TextField(_("criteria (French)"), blank=True)
    # A course module's achievement (issued when the module is passed, with its ECTS credits), instead of a
    # certification's. badges may import courses (DESIGN §2).
    course = models.OneToOneField("courses.CoursePage", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="badge_achievement")
    # ``creditsAvailable`` of the signed achievement (ECTS); a credential of it signs ``creditsEarned``.
    credits_available = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, null=True,
                                            blank=True)
    achievement_type = models.CharField(max_length=40, default="Certification")
    tags = models.JSONField(default=list, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="achievements", verbose_name=_("skills"))
    # Other alignments (outside frameworks), signed after the skills': [{"targetName", "targetUrl", "targetDescription"}]
    alignments = models.JSONField(default=list, blank=True)
    validity_days = models.PositiveIntegerField(default=3 * 365)
    colour = models.CharField(max_length=7, default="#6d28d9")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def text(self, field: str, lang: str | None = None) -> str:
        """``field`` (one of ``TRANSLATED_FIELDS``) for a reader of ``lang`` (default: the active language):
        its French version for French when there is one, else the signed text."""
        if field not in self.TRANSLATED_FIELDS:
            raise ValueError(f"not a translated field: {field}")
        return (reader_language(lang) == "fr" and getattr(self, f"{field}_fr")) or getattr(self, field)

    def texts(self, lang: str | None = None, *, signed: bool = False) -> dict:
        """``name``, ``description`` and ``criteria_narrative`` with the fallbacks of the signed document (no
        description: the name; no criteria: the description), as signed (``signed``) or for a reader of ``lang``."""
        t = (lambda f: getattr(self, f)) if signed else (lambda f: self.text(f, lang))
        name = t("name")
        description = t("description") or name
        return {"name": name, "description": description, "criteria_narrative": t("criteria_narrative") or description}

    def reader_texts(self, signed: dict | None, lang: str | None = None) -> dict:
        """``name``, ``description`` and ``criteria_narrative`` of ``signed`` (the achievement object of a credential
        naming this achievement) for a reader of ``lang``: this achievement's text in that language where the
        signed value is exactly what the achievement signs now (the translation is of that very text), else the
        signed value (an achievement edited since the issuance keeps its signed text). A missing value: ours."""
        signed = signed if isinstance(signed, dict) else {}
        criteria = signed.get("criteria") if isinstance(signed.get("criteria"), dict) else {}
        values = {"name": signed.get("name"), "description": signed.get("description"),
                  "criteria_narrative": criteria.get("narrative")}
        signed_now, ours = self.texts(signed=True), self.texts(lang)
        return {field: ours[field] if value == signed_now[field] or not isinstance(value, str) else value
                for field, value in values.items()}


class StatusList(models.Model):
    """A Bitstring Status List (revocation) and its latest signed credential."""

    number = models.PositiveIntegerField(unique=True)
    purpose = models.CharField(max_length=20, default="revocation")
    size = models.PositiveIntegerField(default=131_072)
    bits = models.BinaryField()
    # How many entries are allocated (the name is from when they were handed out in sequence); the list is full
    # when it reaches ``size`` and the next credential rolls to a new list.
    next_index = models.PositiveIntegerField(default=0)
    # Which entries are allocated, one bit each (statuslist's layout): an entry is drawn at random among the clear
    # ones under the row lock (services.allocate_status_entry). Empty on a list from before random allocation:
    # its first ``next_index`` entries are the allocated ones.
    allocated = models.BinaryField(default=b"", blank=True)
    signed_json = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"status list {self.number}"


@dataclass(frozen=True)
class Validity:
    valid_from: datetime
    valid_until: datetime | None


def _parse_xsd(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=dt_timezone.utc)


def _short_id() -> str:
    return secrets.token_urlsafe(6)  # 8 URL-safe characters


class Credential(models.Model):
    class Privacy(models.TextChoices):
        FULL = "full", _("Full: my name, the achievement and the evidence")
        MINIMAL = "minimal", _("Minimal: the achievement and its validity, without my name")
        HIDDEN = "hidden", _("Hidden: the public page shows nothing")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    short_id = models.CharField(max_length=16, unique=True, default=_short_id)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="credentials")
    attempt = models.OneToOneField("exams.Attempt", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="badge_credential")
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="credentials")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="credentials")
    status_index = models.PositiveIntegerField()
    signed_json = models.TextField()  # exactly as issued
    narrative = models.TextField(blank=True)  # signed as the "Assessment" evidence's narrative
    narrative_fr = models.TextField(_("evidence (French)"), blank=True)  # its French version, never signed
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    credits_earned = models.DecimalField(_("ECTS credits earned"), max_digits=4, decimal_places=1, null=True,
                                         blank=True)  # signed as the subject's ``creditsEarned`` (module credentials)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)
    revocation_reason_fr = models.CharField(_("revocation reason (French)"), max_length=300, blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.FULL)
    # The bulk job that issued it: one credential per recipient of a job (a re-run or a redelivered task after a
    # worker was killed finds it instead of issuing a second one).
    bulk_job = models.ForeignKey("BulkIssuance", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The holder's e-mail: due (``email_pending``) from the issuing transaction on, claimed (``email_claimed_at``)
    # just before it is handed to the mail server, done after (``email_sent_at``). A due e-mail nobody sent (the
    # worker killed, the queue down) or whose claim is old is sent by the sweep (badges.services.sweep).
    email_pending = models.BooleanField(default=False)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # Re-issuance after a key compromise: the re-issue ``replaces`` the credential it supersedes (same achievement,
    # dates and status entry, signed by another key); the superseded one keeps its row, its page says so.
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    superseded_at = models.DateTimeField(null=True, blank=True)
    reissue_notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["email_pending", "email_claimed_at", "email_sent_at"])

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # a superseded credential shares its status entry with its re-issue
            models.UniqueConstraint(fields=["status_list", "status_index"], name="badges_unique_status_entry",
                                    condition=models.Q(superseded_at__isnull=True)),
            models.UniqueConstraint(fields=["bulk_job", "user"], name="badges_one_credential_per_bulk_recipient"),
        ]

    def __str__(self):
        return f"{self.achievement} — {self.user}"

    @property
    def validity(self) -> "Validity":
        """The credential's own ``validFrom`` / ``validUntil``: what every page, the PDF, the e-mail and the lists
        show as its dates. Read from the signed document when it is loaded; the ``valid_from`` / ``valid_until``
        columns are their copies (written together by ``services.issue_credential``), read when a list deferred
        the document. ``issued_at`` is only when the platform signed it (an audit fact, not shown as validity)."""
        if "signed_json" not in self.get_deferred_fields() and self.signed_json:
            cached = self.__dict__.get("_validity")
            if cached is not None and cached[0] == self.signed_json:
                return cached[1]
            try:
                doc = json.loads(self.signed_json)
            except ValueError:
                doc = {}
            value = Validity(_parse_xsd(doc.get("validFrom")) or self.valid_from,
                             _parse_xsd(doc.get("validUntil")) if "validUntil" in doc else None)
            self.__dict__["_validity"] = (self.signed_json, value)
            return value
        return Validity(self.valid_from, self.valid_until)

    def text(self, field: str, lang: str | None = None) -> str:
        """``narrative`` (the evidence) or ``revocation_reason`` for a reader of ``lang`` (default: the active
        language): its French version for French when there is one, else the text as written (and signed)."""
        if field not in ("narrative", "revocation_reason"):
            raise ValueError(f"not a translated field: {field}")
        return (reader_language(lang) == "fr" and getattr(self, f"{field}_fr")) or getattr(self, field)

    def texts(self, lang: str | None = None) -> dict:
        """The achievement's ``name``, ``description`` and ``criteria_narrative`` as this credential signed them,
        for a reader of ``lang`` (default: the active language): see ``Achievement.reader_texts``."""
        try:
            signed = json.loads(self.signed_json)["credentialSubject"]["achievement"]
        except (ValueError, KeyError, TypeError):
            signed = {}
        return self.achievement.reader_texts(signed, lang)


class BulkIssuance(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="+")
    cohort = models.ForeignKey("partnerships.Cohort", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    recipients = models.JSONField(default=list)  # [{"user_id": int, "narrative": str}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on by the running task after each recipient: a job RUNNING with an old heartbeat lost its worker, and
    # the sweep (badges.services.sweep) runs it again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def processed(self) -> int:
        return self.issued + self.skipped + self.failed

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100


# ------------------------------------------------------------------------------------ issuance log (RFC 9162)
class IssuanceLog(models.Model):
    """The issuance log's one row: its size. Appends lock it (``badges.transparency.append``), so the entries'
    indices are dense and unique whatever the number of processes (PostgreSQL row lock; SQLite's write lock)."""

    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("issuance log")


class LogEntry(models.Model):
    """One entry of the append-only issuance log: ``data`` is the entry as logged (``badges.transparency``
    documents its JSON), its leaf hash ``SHA-256(0x00 || data)`` is the level-0 ``LogNode``. ``credential`` and
    ``digest`` find the entry of a credential; neither is published beyond what ``data`` says."""

    class Event(models.TextChoices):
        ISSUED = "issued", _("issued")
        REISSUED = "reissued", _("re-issued")
        REVOKED = "revoked", _("revoked")

    index = models.PositiveBigIntegerField(unique=True)
    event = models.CharField(max_length=10, choices=Event.choices)
    credential = models.ForeignKey(Credential, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="log_entries")
    digest = models.CharField(max_length=64, db_index=True)  # hex SHA-256 of the credential's canonical JSON
    data = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["index"]
        verbose_name = _("issuance log entry")
        verbose_name_plural = _("issuance log entries")

    def __str__(self):
        return f"#{self.index} {self.event}"


class LogNode(models.Model):
    """The hash of a complete perfect subtree of the log: ``2**level`` leaves from ``index * 2**level``
    (``badges.merkle``); level 0 are the leaf hashes. Written once, when the subtree completes."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)  # hex

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="badges_unique_log_node")]
        # an inclusion proof asked by leaf hash finds its leaf through this (leaves only)
        indexes = [models.Index(fields=["hash"], condition=models.Q(level=0), name="badges_log_leaf_hash")]


class TreeHead(models.Model):
    """A signed tree head of the issuance log: a C2SP checkpoint (``badges.checkpoint``) signed by the issuer's
    signing key, kept for ever so that anyone can check that the log only grew between two of them."""

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)  # hex
    timestamp = models.DateTimeField()
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()  # the signed checkpoint exactly as served

    class Meta:
        ordering = ["tree_size"]
        verbose_name = _("signed tree head")

    def __str__(self):
        return f"tree head {self.tree_size}"


# ------------------------------------------------------------------------------------ wallets (badges.wallet)
class WalletOffer(models.Model):
    """An offer of one credential to its holder's wallet (``badges.wallet``): made when the holder asks for it on
    their badge's page, good until ``expires_at`` and once. OpenID for VCI: the pre-authorised code (never stored:
    derived from the offer's id with the server's secret, only its SHA-256 kept) is exchanged once for an access
    token (its SHA-256 kept) and a ``c_nonce``; the token obtains the credential once (``completed_at``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="wallet_offers")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)  # the code was exchanged for a token
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    c_nonce = models.CharField(max_length=64, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)  # the credential was handed over

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("wallet offer")

    def __str__(self):
        return f"wallet offer {self.pk} of {self.credential_id}"


class SpentNonce(models.Model):
    """A ``c_nonce`` of the nonce endpoint that a key proof has used (``badges.wallet``): the nonce itself is not
    stored (it is signed, not remembered: ``wallet.fresh_nonce``), only its SHA-256, kept until the nonce expires so
    that it is never accepted twice; the periodic sweep deletes it after."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used wallet nonce")


class HolderCopy(models.Model):
    """The copy of a credential a wallet received, bound to the holder's DID (``credentialSubject.id``) and signed
    anew: the stored credential's achievement, subject, evidence, dates and status entry (so revoking the credential
    revokes every copy: they share the status bit), a new id (``urn:uuid:`` + this row's id) and a new proof. Logged
    in the issuance log as an issuance of its own document. The stored credential stays the holder's badge.

    After a key compromise (``badges.wallet.resign_copies``), a copy is re-signed with the signing key for the same
    DID: the new copy ``replaces`` the old one, which is ``superseded``; the holder is told (``notified_at``) and
    asked to replace it in their wallet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="holder_copies")
    offer = models.OneToOneField(WalletOffer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="holder_copy")  # none for a re-signed copy
    holder_did = models.CharField(max_length=200)
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    signed_json = models.TextField()  # exactly as handed to the wallet
    issued_at = models.DateTimeField(default=timezone.now)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    superseded_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # (a re-signed copy) its holder was told

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("credential copy in a wallet")
        verbose_name_plural = _("credential copies in wallets")

    def __str__(self):
        return f"{self.credential_id} → {self.holder_did[:40]}"
