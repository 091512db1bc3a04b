import hashlib
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .validators import validate_upload_size, validate_year


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person on the platform. Logs in with an e-mail address."""

    LANGUAGE_CHOICES = [("fr", _("French")), ("en", _("English"))]

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=LANGUAGE_CHOICES, default="fr"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@")[0]

    @property
    def is_activated(self) -> bool:
        """The person has taken their account in hand: signed in once, or chose a password. An account created
        for them (a cohort import, the demo) is not activated until then: they cannot see what it holds."""
        return self.last_login is not None or self.has_usable_password()

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        password_changed = self._password is not None  # set_password() was called (change, reset, admin)
        super().save(*args, **kwargs)
        if password_changed or not self.is_active:
            # a new password or a deactivated account: every API token of the account dies
            ApiToken.objects.filter(user_id=self.pk).delete()


def api_token_ttl():
    """How long a bearer token lives (settings.API_TOKEN_TTL_DAYS, 30 days by default). Fixed, not sliding:
    a token dies at created_at + TTL however often it is used, so a leaked token has a known end."""
    import datetime

    return datetime.timedelta(days=getattr(settings, "API_TOKEN_TTL_DAYS", 30))


def api_token_expiry():
    return timezone.now() + api_token_ttl()


class ApiToken(models.Model):
    """Bearer token for integrations and load tests. Only a SHA-256 of the token is stored: the secret is
    shown once, when it is issued. Tokens expire (api_token_ttl) and die with a password change or reset and
    with the account's deactivation (User.save)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lms_api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=api_token_expiry, db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(raw))
        return raw

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


# --------------------------------------------------------------------------------------------------
# Student profile (brief §3.1). School, programme and graduation year are NOT stored here: they come
# from the student's cohort membership in `partnerships` (read by the composing pages in lms/).
# --------------------------------------------------------------------------------------------------
PORTFOLIO_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "mp3", "wav", "flac", "mp4", "mov", "zip"]


class Level(models.IntegerChoices):
    """Five-step proficiency scale shared by technical skills and software mastery."""

    NOTIONS = 1, _("1 · Notions")
    BEGINNER = 2, _("2 · Beginner")
    OPERATIONAL = 3, _("3 · Operational")
    ADVANCED = 4, _("4 · Advanced")
    EXPERT = 5, _("5 · Expert")


class StudentProfile(models.Model):
    """The part of a student's profile that is one value per student."""

    class GpaScale(models.IntegerChoices):
        TWENTY = 20, _("out of 20 (French system)")
        FOUR = 4, _("out of 4 (US GPA)")

    class Mobility(models.TextChoices):
        LOCAL = "local", _("My city only")
        REGIONAL = "regional", _("My region")
        NATIONAL = "national", _("Anywhere in France")
        EUROPE = "europe", _("Europe")
        INTERNATIONAL = "international", _("Worldwide")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile")
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    headline = models.CharField(_("headline"), max_length=160, blank=True,
                                help_text=_("One line, e.g. “Live sound engineer in training”."))
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    looking_for = models.CharField(_("what I am looking for"), max_length=200, blank=True,
                                   help_text=_("e.g. “3-month live-sound internship, May–July”."))
    gpa = models.DecimalField(_("grade average"), max_digits=4, decimal_places=2, null=True, blank=True,
                              validators=[MinValueValidator(Decimal("0"))])
    gpa_scale = models.PositiveSmallIntegerField(_("grade scale"), choices=GpaScale.choices, default=GpaScale.TWENTY)
    mobility = models.CharField(_("geographic mobility"), max_length=20, choices=Mobility.choices, blank=True)
    mobility_notes = models.CharField(_("mobility details"), max_length=200, blank=True,
                                      help_text=_("Cities or regions, driving licence, vehicle…"))
    salary_min = models.DecimalField(_("expected pay from (€ / month)"), max_digits=8, decimal_places=2,
                                     null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    salary_max = models.DecimalField(_("expected pay up to (€ / month)"), max_digits=8, decimal_places=2,
                                     null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    # Visibility: nothing is public unless the student says so.
    is_public = models.BooleanField(_("public profile"), default=False,
                                    help_text=_("Anyone with the link can see the sections you tick below."))
    public_skills = models.BooleanField(_("show skills and software"), default=True)
    public_portfolio = models.BooleanField(_("show portfolio"), default=True)
    public_experience = models.BooleanField(_("show internships and projects"), default=True)
    public_career = models.BooleanField(_("show target roles, sectors and availability"), default=True)
    public_readiness = models.BooleanField(_("show job-readiness score"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True) | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="profile_salary_min_lte_max",
            ),
            models.CheckConstraint(
                condition=models.Q(gpa__isnull=True) | models.Q(gpa__lte=models.F("gpa_scale")),
                name="profile_gpa_within_scale",
            ),
            models.CheckConstraint(condition=models.Q(gpa_scale__in=[4, 20]), name="profile_gpa_scale_known"),
        ]

    def __str__(self):
        return str(self.user)


class _ProfileRow(models.Model):
    """Base of the rows a student adds to their profile (one table each)."""

    profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="%(class)s_set")

    class Meta:
        abstract = True


class Specialisation(_ProfileRow):
    name = models.CharField(_("specialisation"), max_length=120)

    class Meta:
        ordering = ["id"]
        verbose_name = _("specialisation")
        verbose_name_plural = _("specialisations")
        constraints = [models.UniqueConstraint(fields=["profile", "name"], name="uniq_profile_specialisation")]

    def __str__(self):
        return self.name


class LanguageSkill(_ProfileRow):
    class CEFR(models.TextChoices):
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", "C2"
        NATIVE = "native", _("Native")

    language = models.CharField(_("language"), max_length=60)
    level = models.CharField(_("level"), max_length=6, choices=CEFR.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="uniq_profile_language")]

    def __str__(self):
        return f"{self.language} ({self.get_level_display()})"


class AcademicProject(_ProfileRow):
    title = models.CharField(_("title"), max_length=160)
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    description = models.TextField(_("description"), max_length=2000, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("academic project")
        verbose_name_plural = _("academic projects")
        constraints = [models.CheckConstraint(condition=models.Q(year__gte=1950, year__lte=2100),
                                              name="academic_project_year_range")]

    def __str__(self):
        return f"{self.title} ({self.year})"


class TechnicalSkill(_ProfileRow):
    """A technical skill and its level; every change is kept (history) to chart progress over time."""

    name = models.CharField(_("skill"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-level", "name"]
        verbose_name = _("technical skill")
        verbose_name_plural = _("technical skills")
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="uniq_profile_technical_skill"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="technical_skill_level_1_5"),
        ]

    def __str__(self):
        return f"{self.name} ({self.level}/5)"


class SoftwareSkill(_ProfileRow):
    """Mastery of a piece of software (Pro Tools, Logic Pro, …); history kept like technical skills."""

    software = models.CharField(_("software"), max_length=120)
    level = models.PositiveSmallIntegerField(_("expertise"), choices=Level.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-level", "software"]
        verbose_name = _("software mastery")
        verbose_name_plural = _("software mastery")
        constraints = [
            models.UniqueConstraint(fields=["profile", "software"], name="uniq_profile_software"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="software_level_1_5"),
        ]

    def __str__(self):
        return f"{self.software} ({self.level}/5)"


class PortfolioItem(_ProfileRow):
    title = models.CharField(_("title"), max_length=160)
    role = models.CharField(_("my role"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    description = models.TextField(_("description"), max_length=2000, blank=True)
    link = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"), upload_to="portfolio/%Y/%m/", blank=True,
        validators=[FileExtensionValidator(PORTFOLIO_EXTENSIONS), validate_upload_size],
        help_text=_("PDF, image, audio, video or ZIP, 20 MB at most."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        constraints = [models.CheckConstraint(condition=models.Q(year__gte=1950, year__lte=2100),
                                              name="portfolio_year_range")]

    def __str__(self):
        return f"{self.title} ({self.year})"


class PeerReview(models.Model):
    """A review of a student by another user: rating 1–5 and a text; one per reviewer."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="peer_reviews_given")
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("review"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        constraints = [
            models.UniqueConstraint(fields=["student", "reviewer"], name="uniq_peer_review_per_reviewer"),
            models.CheckConstraint(condition=~models.Q(student=models.F("reviewer")), name="peer_review_not_self"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="peer_review_rating_1_5"),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.student} ({self.rating}/5)"


class TargetRole(_ProfileRow):
    title = models.CharField(_("target role"), max_length=120)

    class Meta:
        ordering = ["id"]
        verbose_name = _("target role")
        verbose_name_plural = _("target roles")
        constraints = [models.UniqueConstraint(fields=["profile", "title"], name="uniq_profile_target_role")]

    def __str__(self):
        return self.title


class SectorPreference(_ProfileRow):
    class Sector(models.TextChoices):
        LIVE = "live", _("Live / concerts")
        STUDIO = "studio", _("Recording studio")
        BROADCAST = "broadcast", _("Broadcast (TV, radio)")
        FILM = "film", _("Film and series")
        POST = "post", _("Post-production")
        THEATRE = "theatre", _("Theatre and performing arts")
        EVENTS = "events", _("Corporate events")
        FESTIVAL = "festival", _("Festivals")
        GAMES = "games", _("Video games")

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("preferred sector")
        verbose_name_plural = _("preferred sectors")
        constraints = [models.UniqueConstraint(fields=["profile", "sector"], name="uniq_profile_sector")]

    def __str__(self):
        return self.get_sector_display()


class AvailabilityPeriod(_ProfileRow):
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=160, blank=True, help_text=_("e.g. “internship”, “part time”."))

    class Meta:
        ordering = ["start"]
        verbose_name = _("availability period")
        verbose_name_plural = _("availability")
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                              name="availability_end_after_start")]

    def __str__(self):
        return f"{self.start} – {self.end}"


class MentorRelation(_ProfileRow):
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="mentees")
    mentor_name = models.CharField(_("mentor"), max_length=120, blank=True)
    organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [models.CheckConstraint(
            condition=models.Q(mentor__isnull=False) | ~models.Q(mentor_name=""), name="mentor_user_or_name")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.mentor.get_display_name() if self.mentor_id else self.mentor_name


class InternshipRecord(_ProfileRow):
    """Past or current internship / apprenticeship the student declares (practical experience)."""

    class Kind(models.TextChoices):
        INTERNSHIP = "internship", _("Internship")
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
        JOB = "job", _("Job / freelance")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INTERNSHIP)
    organisation = models.CharField(_("organisation"), max_length=160)
    role = models.CharField(_("role"), max_length=120)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True, help_text=_("Leave empty if ongoing."))
    tutor = models.CharField(_("tutor"), max_length=120, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        constraints = [models.CheckConstraint(
            condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            name="internship_end_after_start")]

    def __str__(self):
        return f"{self.role} — {self.organisation}"


class ProjectParticipation(_ProfileRow):
    project = models.CharField(_("project"), max_length=160)
    role = models.CharField(_("role"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("project participation")
        verbose_name_plural = _("project participations")
        constraints = [models.CheckConstraint(condition=models.Q(year__gte=1950, year__lte=2100),
                                              name="project_year_range")]

    def __str__(self):
        return f"{self.project} ({self.role})"


class Connection(models.Model):
    """A network connection between two users; stored once, with the smaller id first."""

    user_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        constraints = [
            models.UniqueConstraint(fields=["user_low", "user_high"], name="uniq_connection"),
            models.CheckConstraint(condition=models.Q(user_low__lt=models.F("user_high")),
                                   name="connection_ordered_pair"),
        ]


class ReadinessSnapshot(models.Model):
    """The job-readiness score of a student for a month (taken on the 1st by a Celery task)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_snapshots")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    components = models.JSONField(_("components"), default=dict)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "month"]
        verbose_name = _("job-readiness snapshot")
        verbose_name_plural = _("job-readiness snapshots")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="uniq_readiness_snapshot_month"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="readiness_score_0_100"),
        ]

    def __str__(self):
        return f"{self.user} {self.month:%Y-%m}: {self.score}"


class ErasureRequest(models.Model):
    """A person's request that their personal data be erased (lms/accounts/personal_data.py), and what Flow
    Stage's staff did with it. Every step (asked, carried out, refused) is a version in its history, with who
    did it; the request survives the erasure (its user is then the anonymised account)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("erasure request", "Pending")
        DONE = "done", pgettext_lazy("erasure request", "Carried out")
        REFUSED = "refused", pgettext_lazy("erasure request", "Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason given by the person"), max_length=2000, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    staff_note = models.TextField(_("note from the staff"), max_length=2000, blank=True)
    summary = models.JSONField(_("what was done"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            # one open request per person at a time
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                    name="uniq_pending_erasure_request"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"
