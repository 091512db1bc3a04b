"""Internship and apprenticeship offers, applications, the legal rate tables, and what schools and students say
about them. Employers are ``partnerships.Employer`` (with their staff and contracts); careers only points at them.

An ``Application`` is the hinge of the follow-up work (agreements, evaluations, ECTS): an accepted application is a
placement, and an agreement will hang off it (one to one), so it keeps its offer, student, dates and agreed pay.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import matching, outcomes, rhythm

FIELD_CHOICES = [(code, _(label)) for code, label in matching.FIELDS]
SECTOR_CHOICES = [(code, _(label)) for code, label in matching.SECTORS]
GENRE_CHOICES = [(code, _(label)) for code, label in matching.GENRES]
VENUE_CHOICES = [(code, _(label)) for code, label in matching.VENUE_SIZES]
CEFR_CHOICES = [(c, c) for c in matching.CEFR[:-1]] + [("native", _("native"))]
LEVEL_CHOICES = [(k, _(v)) for k, v in matching.LEVELS.items()]


class Kind(models.TextChoices):
    INTERNSHIP = "internship", _("Internship")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")


class Track(models.TextChoices):
    """The tracks of the Flow Stage apprenticeship programme (brief §2.3)."""

    TECH = "tech", _("Tech")
    BUSINESS = "business", _("Business development")
    OPERATIONS = "operations", _("Operations")
    CREATIVE = "creative", _("Creative")


# --- French law as dated data (rules in careers/law.py, rows seeded from careers/legal_data.py) -----------------

class InternshipRate(models.Model):
    """The hourly social-security ceiling and the share of it an internship of more than two months must pay."""

    valid_from = models.DateField(_("in force from"), unique=True)
    hourly_ceiling = models.DecimalField(_("hourly social-security ceiling (€)"), max_digits=6, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0.01"))])
    percent = models.DecimalField(_("share of the ceiling (%)"), max_digits=5, decimal_places=2,
                                  default=Decimal("15"), validators=[MinValueValidator(Decimal("0.01")),
                                                                     MaxValueValidator(Decimal("100"))])
    source = models.TextField(pgettext_lazy("legal rate", "source"))
    source_url = models.URLField(_("source link"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("internship gratification rate")
        verbose_name_plural = _("internship gratification rates")
        constraints = [models.CheckConstraint(condition=models.Q(hourly_ceiling__gt=0, percent__gt=0),
                                              name="internship_rate_positive")]

    @property
    def hourly_minimum(self) -> Decimal:
        return self.hourly_ceiling * self.percent / Decimal(100)

    def __str__(self):
        return f"{self.valid_from}: {self.hourly_minimum:.2f} €/h"


class SmicRate(models.Model):
    valid_from = models.DateField(_("in force from"), unique=True)
    hourly = models.DecimalField(_("hourly gross (€)"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    monthly = models.DecimalField(_("monthly gross for 35 hours a week (€)"), max_digits=8, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0.01"))])
    source = models.TextField(pgettext_lazy("legal rate", "source"))
    source_url = models.URLField(_("source link"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("SMIC")
        verbose_name_plural = _("SMIC rates")
        constraints = [models.CheckConstraint(condition=models.Q(hourly__gt=0, monthly__gt=0), name="smic_positive")]

    def __str__(self):
        return f"{self.valid_from}: {self.hourly} €/h, {self.monthly} €/mois"


class ApprenticePayRate(models.Model):
    """Minimum pay of an apprentice as a percentage of the SMIC, by age band and year of the contract."""

    valid_from = models.DateField(_("in force from"))
    age_from = models.PositiveSmallIntegerField(_("from age"))
    age_to = models.PositiveSmallIntegerField(_("to age (included)"), null=True, blank=True,
                                              help_text=_("Empty: no upper age."))
    contract_year = models.PositiveSmallIntegerField(_("year of the contract"),
                                                     validators=[MinValueValidator(1), MaxValueValidator(3)])
    percent = models.DecimalField(_("percent of the SMIC"), max_digits=5, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])
    source = models.TextField(pgettext_lazy("legal rate", "source"))
    source_url = models.URLField(_("source link"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "contract_year", "age_from"]
        verbose_name = _("apprentice minimum pay rate")
        verbose_name_plural = _("apprentice minimum pay rates")
        constraints = [
            models.UniqueConstraint(fields=["valid_from", "age_from", "contract_year"], name="uniq_apprentice_rate"),
            models.CheckConstraint(condition=models.Q(age_to__isnull=True) | models.Q(age_to__gte=models.F("age_from")),
                                   name="apprentice_rate_ages_ordered"),
            models.CheckConstraint(condition=models.Q(contract_year__gte=1, contract_year__lte=3),
                                   name="apprentice_rate_year_1_3"),
        ]

    def __str__(self):
        ages = f"{self.age_from}–{self.age_to}" if self.age_to is not None else f"{self.age_from}+"
        return f"{ages}, year {self.contract_year}: {self.percent} % SMIC (from {self.valid_from})"


# --- the apprenticeship programme and schools' calendars ----------------------------------------------------------

class ApprenticeshipProgramme(models.Model):
    """The brief's "Programme alternance Flow Stage": 12 months, 2 days school / 3 days company, four tracks."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=12,
                                                       validators=[MinValueValidator(6), MaxValueValidator(36)])
    school_days = models.PositiveSmallIntegerField(_("school days a week"), default=2,
                                                   validators=[MinValueValidator(1), MaxValueValidator(4)])
    company_days = models.PositiveSmallIntegerField(_("company days a week"), default=3,
                                                    validators=[MinValueValidator(1), MaxValueValidator(4)])
    floor_monthly_pay = models.DecimalField(_("programme floor (€ a month)"), max_digits=8, decimal_places=2,
                                            default=Decimal("800"), validators=[MinValueValidator(Decimal("0"))],
                                            help_text=_("Never below the legal minimum, which applies when higher."))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("apprenticeship programme")
        verbose_name_plural = _("apprenticeship programmes")
        constraints = [models.CheckConstraint(condition=models.Q(school_days__gte=1, company_days__gte=1),
                                              name="programme_days_positive")]

    def __str__(self):
        return self.name

    def label(self, lang: str) -> str:
        return (lang == "en" and self.name_en) or self.name


class SchoolCalendar(models.Model):
    """Which weekdays a school's apprentices spend at school; dated exceptions below."""

    school = models.ForeignKey("partnerships.School", on_delete=models.CASCADE, related_name="apprentice_calendars")
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    school_weekdays = models.JSONField(_("school weekdays"), default=list,
                                       help_text=_("0 = Monday … 4 = Friday, e.g. [0, 1] for Monday and Tuesday."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name", "-valid_from"]
        verbose_name = _("school calendar")
        verbose_name_plural = _("school calendars")
        constraints = [models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                              name="school_calendar_ordered")]

    def __str__(self):
        return f"{self.school} {self.valid_from} – {self.valid_until}"

    def as_calendar(self) -> rhythm.Calendar:
        return rhythm.Calendar(frozenset(int(d) for d in self.school_weekdays),
                               {d.day: d.kind for d in self.days.all()})


class SchoolCalendarDay(models.Model):
    class DayKind(models.TextChoices):
        SCHOOL = rhythm.SCHOOL, _("At school")
        COMPANY = rhythm.COMPANY, _("At the company")
        CLOSED = rhythm.CLOSED, _("Closed (public holiday)")

    calendar = models.ForeignKey(SchoolCalendar, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="uniq_calendar_day")]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")


# --- schools and employers ----------------------------------------------------------------------------------------

class SchoolPartnerEmployer(models.Model):
    """A school marks an employer as its partner (one of the sources of the "Partenaire École certifié" mark)."""

    school = models.ForeignKey("partnerships.School", on_delete=models.CASCADE, related_name="partner_employers")
    employer = models.ForeignKey("partnerships.Employer", on_delete=models.CASCADE, related_name="partner_schools")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "employer"], name="uniq_school_partner_employer")]
        verbose_name = _("school's partner employer")
        verbose_name_plural = _("schools' partner employers")

    def __str__(self):
        return f"{self.school} ↔ {self.employer}"


class SchoolReferent(models.Model):
    """The school staff member who receives the students' "Contacter l'école" requests about offers."""

    school = models.OneToOneField("partnerships.School", on_delete=models.CASCADE, related_name="careers_referent")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("school's internship referent")
        verbose_name_plural = _("schools' internship referents")

    def __str__(self):
        return f"{self.school}: {self.user}"


# --- the student's side ------------------------------------------------------------------------------------------

class ConsentPart(models.TextChoices):
    """The parts of a profile a student may let an employer see."""

    ACADEMIC = "academic", _("School, programme and grade average")
    SKILLS = "skills", _("Skills and software with levels")
    PORTFOLIO = "portfolio", _("Portfolio")
    EXPERIENCE = "experience", _("Internships and projects")
    CAREER = "career", _("Target roles, sectors and availability")
    BADGES = "badges", _("Certifications and badges (verified)")
    CONTACT = "contact", _("E-mail address")


class CareerProfile(models.Model):
    """What the careers pages need that the profile does not hold: where the student lives, what they look for,
    their date of birth (an apprentice's legal minimum pay depends on age), and the CV database switch."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_profile")
    city = models.CharField(_("city"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    birth_date = models.DateField(_("date of birth"), null=True, blank=True,
                                  help_text=_("Only to show an apprentice's legal minimum pay, which depends on age."))
    kinds = models.JSONField(_("looking for"), default=list, blank=True)
    genres = models.JSONField(_("favourite genres"), default=list, blank=True)
    venue_sizes = models.JSONField(_("preferred venue sizes"), default=list, blank=True)
    cv_visible = models.BooleanField(_("show my profile in the employers' CV database"), default=False)
    cv_parts = models.JSONField(_("parts shown in the CV database"), default=list, blank=True)
    cv_visible_since = models.DateTimeField(_("visible since"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("career preferences")
        verbose_name_plural = _("career preferences")

    def __str__(self):
        return str(self.user)


# --- offers -----------------------------------------------------------------------------------------------------

class Offer(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    employer = models.ForeignKey("partnerships.Employer", on_delete=models.PROTECT, related_name="offers")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INTERNSHIP)
    title = models.CharField(_("job title"), max_length=160, help_text=_("e.g. “Assistant Ingénieur FOH”"))
    description = models.TextField(_("description"), max_length=5000, blank=True)
    specialisation = models.CharField(_("specialisation"), max_length=20, choices=FIELD_CHOICES)
    sector = models.CharField(_("sector"), max_length=20, choices=SECTOR_CHOICES, blank=True)
    genres = models.JSONField(_("genres"), default=list, blank=True)
    venue_size = models.CharField(_("venue size"), max_length=10, choices=VENUE_CHOICES, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=120, help_text=_("As shown on the card, e.g. “Paris 11e”."))
    country = models.CharField(_("country"), max_length=2, default="FR")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1, default=Decimal("35"),
                                       validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("48"))])
    pay_monthly = models.DecimalField(_("pay (€ a month)"), max_digits=8, decimal_places=2,
                                      validators=[MinValueValidator(Decimal("0"))])
    tutor_name = models.CharField(_("tutor (maître de stage)"), max_length=120)
    tutor_role = models.CharField(_("tutor's role"), max_length=120, blank=True)
    tutor_years = models.PositiveSmallIntegerField(_("tutor's years of experience"), default=0,
                                                   validators=[MaxValueValidator(60)])
    places = models.PositiveSmallIntegerField(_("places"), default=1, validators=[MinValueValidator(1),
                                                                                  MaxValueValidator(50)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    expires_on = models.DateField(_("applications close on"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    programme = models.ForeignKey(ApprenticeshipProgramme, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="offers", verbose_name=_("apprenticeship programme"))
    track = models.CharField(_("programme track"), max_length=20, choices=Track.choices, blank=True)
    contract_year = models.PositiveSmallIntegerField(_("year of the apprenticeship contract"), default=1,
                                                     validators=[MinValueValidator(1), MaxValueValidator(3)])
    facts = models.JSONField(_("matching facts"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["facts"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["status", "expires_on"], name="careers_offer_live_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="offer_end_after_start"),
            models.CheckConstraint(condition=models.Q(pay_monthly__gte=0), name="offer_pay_not_negative"),
            models.CheckConstraint(condition=models.Q(places__gte=1), name="offer_places_positive"),
            models.CheckConstraint(condition=models.Q(weekly_hours__gt=0, weekly_hours__lte=48),
                                   name="offer_weekly_hours_range"),
        ]

    def __str__(self):
        return f"{self.title} — {self.employer}"

    @property
    def months(self) -> int:
        """The duration in months as the card shows it (days / 30.4375, rounded half-up, at least 1)."""
        days = Decimal((self.end_date - self.start_date).days + 1)
        return max(1, int((days / Decimal("30.4375")).quantize(Decimal(1), rounding="ROUND_HALF_UP")))


class OfferRequirement(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="requirements")
    name = models.CharField(_("skill or software"), max_length=120)
    software = models.BooleanField(_("software"), default=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    required = models.BooleanField(_("required"), default=True, help_text=_("Unticked: nice to have."))

    class Meta:
        ordering = ["-required", "-level", "name"]
        constraints = [models.UniqueConstraint(fields=["offer", "name"], name="uniq_offer_requirement"),
                       models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5),
                                              name="offer_requirement_level_1_5")]
        verbose_name = _("skill asked")
        verbose_name_plural = _("skills asked")


class OfferLanguage(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=60)
    level = models.CharField(_("level"), max_length=6, choices=CEFR_CHOICES)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["-required", "language"]
        constraints = [models.UniqueConstraint(fields=["offer", "language"], name="uniq_offer_language")]
        verbose_name = _("language asked")
        verbose_name_plural = _("languages asked")


class OfferCredential(models.Model):
    """A certification or badge the offer requires or values (a badges Achievement; certifications have one)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="credentials")
    achievement = models.ForeignKey("badges.Achievement", on_delete=models.PROTECT, related_name="+")
    required = models.BooleanField(_("required"), default=False, help_text=_("Unticked: valued."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "achievement"], name="uniq_offer_credential")]
        verbose_name = _("certification or badge asked")
        verbose_name_plural = _("certifications and badges asked")


class PriorityPlacement(models.Model):
    """A priority offer ("Diffusion offre prioritaire", priced per offer): shown first to matching students during
    its period, paid from one of the employer's enterprise contracts for that item."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="priority_placements")
    contract = models.ForeignKey("partnerships.EnterpriseContract", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="priority_period_ordered")]
        verbose_name = _("priority placement")
        verbose_name_plural = _("priority placements")


class LearningPath(models.Model):
    """What leads to a skill: a course and/or a certification, shown beside "what would raise the score"."""

    skill = models.CharField(_("skill or software"), max_length=120, unique=True)
    course = models.ForeignKey("courses.CoursePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    certification = models.ForeignKey("exams.Certification", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")

    class Meta:
        ordering = ["skill"]
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    def __str__(self):
        return self.skill


# --- applications -----------------------------------------------------------------------------------------------

class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    PENDING = (Status.SUBMITTED, Status.SHORTLISTED)

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="applications")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    message = models.TextField(_("message to the employer"), max_length=3000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    consent_parts = models.JSONField(_("parts of the profile the employer may see"), default=list)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    score = models.DecimalField(_("match score when applying (%)"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    monthly_pay = models.DecimalField(_("agreed pay (€ a month)"), max_digits=8, decimal_places=2, null=True,
                                      blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["offer", "student"], name="uniq_application_per_offer"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="application_score_0_100"),
        ]
        indexes = [models.Index(fields=["offer", "status"], name="careers_app_offer_status_idx")]

    def __str__(self):
        return f"{self.student} → {self.offer}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def consent_active(self) -> bool:
        return self.consent_withdrawn_at is None

    def visible_parts(self) -> set[str]:
        return set(self.consent_parts) if self.consent_active else set()


class ApplicationMessage(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("message"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")


class ContactRequest(models.Model):
    """A student's "Contacter l'école" about an offer, sent to their school's referent."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("partnerships.School", on_delete=models.CASCADE, related_name="careers_contacts")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="contact_requests")
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to the school")
        verbose_name_plural = _("requests to the school")


# --- the nightly recomputation -----------------------------------------------------------------------------------

class StoredMatch(models.Model):
    """A student's best matches, recomputed every night (``careers.tasks.recompute_matches``): the dashboard's
    block and the employers' "students who match" read these instead of scoring on the fly."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    rank = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["student", "rank"]
        constraints = [models.UniqueConstraint(fields=["student", "offer"], name="uniq_stored_match"),
                       models.UniqueConstraint(fields=["student", "rank"], name="uniq_stored_match_rank")]


class MatchRun(models.Model):
    """One nightly recomputation with its figures."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    students = models.PositiveIntegerField(default=0)
    offers = models.PositiveIntegerField(default=0)
    pairs = models.PositiveBigIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    peak_memory_kb = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]


# --- the agreement ("convention de stage") ------------------------------------------------------------------------

class Party(models.TextChoices):
    """The three signatories of an agreement, in the order they sign (the school last)."""

    STUDENT = "student", _("Student")
    EMPLOYER = "employer", _("Host organisation")
    SCHOOL = "school", _("School")


SIGNING_ORDER = (Party.STUDENT, Party.EMPLOYER, Party.SCHOOL)

WEEKDAY_CHOICES = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
                   (5, _("Saturday")), (6, _("Sunday"))]


class Agreement(models.Model):
    """The tripartite agreement of an accepted application: the student, the host organisation with its tutor, the
    school with its referent teacher. Its content (``careers.agreement_document.content``) is what the parties sign:
    any change after a signature voids the signatures (``careers.services.update_agreement``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting signatures")
        SIGNED = "signed", _("Signed by the three parties")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="agreement")
    school = models.ForeignKey("partnerships.School", on_delete=models.PROTECT, related_name="careers_agreements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    activities = models.TextField(_("activities"), max_length=5000)
    objectives = models.JSONField(_("learning objectives"), default=list,
                                  help_text=_("Each objective with how it is measured."))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    weekly_hours = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1,
                                       validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("48"))])
    presence_days = models.JSONField(_("days of presence"), default=list,
                                     help_text=_("0 = Monday … 6 = Sunday."))
    monthly_pay = models.DecimalField(_("pay (€ a month)"), max_digits=8, decimal_places=2,
                                      validators=[MinValueValidator(Decimal("0"))])
    pay_terms = models.TextField(_("how the pay is computed and paid"), max_length=2000)
    tutor_name = models.CharField(_("tutor (maître de stage)"), max_length=120)
    tutor_role = models.CharField(_("tutor's role"), max_length=120, blank=True)
    tutor_email = models.EmailField(_("tutor's e-mail"), blank=True)
    referent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("school's referent teacher"))
    leave_days = models.PositiveSmallIntegerField(_("days of leave"), default=0, validators=[MaxValueValidator(60)])
    absence_terms = models.TextField(_("leave and absences"), max_length=2000)
    insurer = models.CharField(_("school's insurer"), max_length=160)
    insurance_policy = models.CharField(_("insurance policy number"), max_length=80)
    track = models.CharField(_("programme track"), max_length=20, choices=Track.choices, blank=True)
    rhythm = models.CharField(_("rhythm"), max_length=120, blank=True,
                              help_text=_("e.g. “2 days at school, 3 days at the company”."))
    contract_year = models.PositiveSmallIntegerField(_("year of the apprenticeship contract"), default=1,
                                                     validators=[MinValueValidator(1), MaxValueValidator(3)])
    version = models.PositiveIntegerField(_("version"), default=1)
    # Final report and credits: the ECTS the co-signed report validates; the cancellation, with its reason
    ects_credits = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
                                       help_text=_("Validated when the final report is co-signed."))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("cancelled by"))
    cancel_reason = models.TextField(_("reason for the cancellation"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="agreement_end_after_start"),
            models.CheckConstraint(condition=models.Q(monthly_pay__gte=0), name="agreement_pay_not_negative"),
            models.CheckConstraint(condition=models.Q(weekly_hours__gt=0, weekly_hours__lte=48),
                                   name="agreement_weekly_hours_range"),
        ]

    def __str__(self):
        return f"{self.application.student} — {self.application.offer}"


class AgreementSignature(models.Model):
    """One party's signature of one exact document: who, when, and the SHA-256 of the canonical document signed.
    A change of the agreement voids it (``voided_at``); the row stays."""

    class Via(models.TextChoices):
        ACCOUNT = "account", _("Signed in")
        LINK = "link", _("E-mailed link")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    signer_name = models.CharField(_("signed by"), max_length=160)
    signer_email = models.EmailField(_("signer's e-mail"), blank=True)
    via = models.CharField(_("signed through"), max_length=10, choices=Via.choices, default=Via.ACCOUNT)
    document_hash = models.CharField(_("SHA-256 of the document signed"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("agreement signature")
        verbose_name_plural = _("agreement signatures")
        constraints = [models.UniqueConstraint(fields=["agreement", "party"],
                                               condition=models.Q(voided_at__isnull=True),
                                               name="uniq_live_signature_per_party")]
        indexes = [models.Index(fields=["document_hash"], name="careers_sig_hash_idx")]


class TutorLink(models.Model):
    """An e-mailed single-purpose link for a tutor without an account: the signed token carries this row's id, the
    agreement, the action and the document hash; the row records when it was sent and used (once)."""

    class Action(models.TextChoices):
        SIGN = "sign", _("Sign the agreement")
        EVALUATE = "evaluate", _("Fill in the mid-term evaluation")
        REPORT = "report", _("Evaluate and sign the final report")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tutor_links")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.SIGN)
    document_hash = models.CharField(max_length=64)
    sent_to = models.EmailField()
    sent_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("tutor's link")
        verbose_name_plural = _("tutors' links")


# --- Final report and credits -------------------------------------------------------------------------------------

class FinalReport(models.Model):
    """The internship's final report, one version at a time: the tutor's evaluation of each objective and overall
    assessment, the student's own report (a document), the referent teacher's grade (out of 20). Co-signed by the
    tutor and the referent (``ReportSignature``, each on the SHA-256 of the exact content), then locked for good; a
    later correction is a new version with its reason, the old one kept (``superseded``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        LOCKED = "locked", _("Co-signed")
        SUPERSEDED = "superseded", _("Replaced by a correction")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    correction_reason = models.TextField(_("reason for the correction"), max_length=2000, blank=True)
    evaluations = models.JSONField(_("the tutor's evaluation of each objective"), default=list,
                                   help_text=_("[{objective, measure, met, comment}] in the agreement's order."))
    overall_assessment = models.TextField(_("the tutor's overall assessment"), max_length=5000, blank=True)
    evaluated_by_name = models.CharField(_("evaluated by"), max_length=160, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    student_report = models.FileField(_("the student's report"), upload_to="careers/reports/%Y/", blank=True,
                                      max_length=255)
    student_report_name = models.CharField(_("file name"), max_length=200, blank=True)
    student_report_sha256 = models.CharField(_("SHA-256 of the student's report"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    grade = models.DecimalField(_("referent's grade (/20)"), max_digits=4, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))])
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("co-signed at"), null=True, blank=True)
    credential = models.ForeignKey("badges.Credential", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "-version"]
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="uniq_report_version"),
            models.UniqueConstraint(fields=["agreement"], condition=~models.Q(status="superseded"),
                                    name="uniq_current_report"),
            models.CheckConstraint(condition=models.Q(grade__isnull=True) | models.Q(grade__gte=0, grade__lte=20),
                                   name="report_grade_0_20"),
        ]

    def __str__(self):
        return f"{self.agreement} — v{self.version}"

    @property
    def locked(self) -> bool:
        return self.status != self.Status.DRAFT


class ReportSignature(models.Model):
    """The tutor's or the referent's signature of one exact version of the final report: who, when, through what,
    and the SHA-256 of the content signed. An edit of the draft voids the signatures given on it (``voided_at``)."""

    class Role(models.TextChoices):
        TUTOR = "tutor", _("Tutor")
        REFERENT = "referent", _("Referent teacher")

    report = models.ForeignKey(FinalReport, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("signed as"), max_length=10, choices=Role.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    signer_name = models.CharField(_("signed by"), max_length=160)
    via = models.CharField(_("signed through"), max_length=10, choices=AgreementSignature.Via.choices,
                           default=AgreementSignature.Via.ACCOUNT)
    content_hash = models.CharField(_("SHA-256 of the report signed"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("report signature")
        verbose_name_plural = _("report signatures")
        constraints = [models.UniqueConstraint(fields=["report", "role"], condition=models.Q(voided_at__isnull=True),
                                               name="uniq_live_report_signature")]


# --- Outcomes ------------------------------------------------------------------------------------------------------

class Outcome(models.Model):
    """What became of a student after an internship or apprenticeship, or after graduation: hired on a permanent or
    fixed-term contract, freelance or intermittent, further study, still searching; by whom and since when. Recorded
    by the student, their school's staff or the six-month survey (``careers.services.record_outcome``)."""

    class Stage(models.TextChoices):
        AFTER_PLACEMENT = "placement", _("After the internship or apprenticeship")
        AFTER_GRADUATION = "graduation", _("After graduation")

    class Status(models.TextChoices):
        PERMANENT = "cdi", _("Hired on a permanent contract (CDI)")
        FIXED_TERM = "cdd", _("Hired on a fixed-term contract (CDD)")
        FREELANCE = "freelance", _("Freelance or intermittent")
        STUDY = "study", _("Further study")
        SEARCHING = "searching", _("Searching")

    class Source(models.TextChoices):
        STUDENT = "student", _("The student")
        STAFF = "staff", _("The school")
        SURVEY = "survey", _("Six-month survey")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcomes")
    school = models.ForeignKey("partnerships.School", on_delete=models.CASCADE, related_name="outcomes")
    cohort = models.ForeignKey("partnerships.Cohort", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="outcomes")
    agreement = models.ForeignKey(Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes")
    stage = models.CharField(_("when"), max_length=12, choices=Stage.choices)
    status = models.CharField(_("outcome"), max_length=12, choices=Status.choices)
    employer_name = models.CharField(_("employer or school"), max_length=160, blank=True)
    employer = models.ForeignKey("partnerships.Employer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="outcomes", verbose_name=_("partner employer"))
    started_on = models.DateField(_("since"))
    source = models.CharField(_("recorded by"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        indexes = [models.Index(fields=["school", "stage"], name="careers_outcome_school_idx")]

    def __str__(self):
        return f"{self.student} — {self.get_status_display()}"

    @property
    def employed(self) -> bool:
        return self.status in outcomes.EMPLOYED


class OutcomeSurvey(models.Model):
    """The six-month question to one graduate of one cohort: sent once, reminded once, answered once (the e-mailed
    link carries this row's id, signed, and expires; ``careers.tasks.send_outcome_surveys``)."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey("partnerships.Cohort", on_delete=models.CASCADE, related_name="outcome_surveys")
    sent_at = models.DateTimeField(_("sent at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("outcome survey")
        verbose_name_plural = _("outcome surveys")
        constraints = [models.UniqueConstraint(fields=["student", "cohort"], name="uniq_outcome_survey")]


class SatisfactionAnswer(models.Model):
    """The net-promoter question ("would you recommend…", 0 to 10) asked at the end of a course module or of an
    internship; one answer per student and subject."""

    class Subject(models.TextChoices):
        MODULE = "module", _("Course module")
        INTERNSHIP = "internship", _("Internship")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("about"), max_length=12, choices=Subject.choices)
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (0 to 10)"),
                                             validators=[MinValueValidator(0), MaxValueValidator(10)])
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=10), name="satisfaction_score_0_10"),
            models.UniqueConstraint(fields=["student", "course"], condition=models.Q(course__isnull=False),
                                    name="uniq_satisfaction_course"),
            models.UniqueConstraint(fields=["student", "agreement"], condition=models.Q(agreement__isnull=False),
                                    name="uniq_satisfaction_agreement"),
        ]


class SatisfactionQuestion(models.Model):
    """The net-promoter question put to a student once: when a course module is completed or passed, when an
    internship's final report is co-signed (``careers.outcome_services.ask_satisfaction``); e-mailed in the student's
    language, with the answer page's link. One row per student and subject: asked once."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("about"), max_length=12, choices=SatisfactionAnswer.Subject.choices)
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=5)
    asked_at = models.DateTimeField(_("asked at"))

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("satisfaction question")
        verbose_name_plural = _("satisfaction questions")
        constraints = [
            models.UniqueConstraint(fields=["student", "course"], condition=models.Q(course__isnull=False),
                                    name="uniq_satisfaction_question_course"),
            models.UniqueConstraint(fields=["student", "agreement"], condition=models.Q(agreement__isnull=False),
                                    name="uniq_satisfaction_question_agreement"),
            models.CheckConstraint(condition=(models.Q(course__isnull=False, agreement__isnull=True)
                                              | models.Q(course__isnull=True, agreement__isnull=False)),
                                   name="satisfaction_question_one_subject"),
        ]


# Follow-up during the internship --------------------------------------------------------------------------------
# (careers/followup.py: the use-cases; careers/followup_rules.py: the rules, pure)

class Rating(models.TextChoices):
    ACQUIRED = "acquired", _("Acquired")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_YET = "not_yet", _("Not yet")


class MidtermEvaluation(models.Model):
    """The tutor's mid-term evaluation of a signed agreement, created once at the midpoint by the daily task
    (``careers.tasks.open_midterm_evaluations``): each objective of the agreement rated with a comment
    (``ratings``, in the order of ``objectives``, the objectives as they were when it was created), plus behaviour
    and skills. Submitted once; reminders are counted and dated."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the tutor")
        SUBMITTED = "submitted", _("Submitted")

    class Via(models.TextChoices):
        ACCOUNT = "account", _("Signed in")
        LINK = "link", _("E-mailed link")

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="midterm")
    due_on = models.DateField(_("midpoint"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    objectives = models.JSONField(_("objectives evaluated"), default=list)
    ratings = models.JSONField(_("ratings of the objectives"), default=list)
    behaviour = models.CharField(_("behaviour"), max_length=12, choices=Rating.choices, blank=True)
    behaviour_comment = models.TextField(_("comment on the behaviour"), max_length=2000, blank=True)
    skills = models.CharField(_("skills"), max_length=12, choices=Rating.choices, blank=True)
    skills_comment = models.TextField(_("comment on the skills"), max_length=2000, blank=True)
    language = models.CharField(_("language of the e-mails"), max_length=5, default="fr")
    sent_at = models.DateTimeField(_("sent to the tutor at"))
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submitted_name = models.CharField(_("submitted by"), max_length=160, blank=True)
    via = models.CharField(_("submitted through"), max_length=10, choices=Via.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_on"]
        verbose_name = _("mid-term evaluation")
        verbose_name_plural = _("mid-term evaluations")
        constraints = [models.CheckConstraint(
            condition=models.Q(status="pending") | models.Q(submitted_at__isnull=False),
            name="midterm_submitted_has_date")]

    def __str__(self):
        return f"{self.agreement} ({self.due_on})"

    def rows(self) -> list[dict]:
        """The objectives with their rating and comment (empty while pending)."""
        labels = dict(Rating.choices)
        out = []
        for i, o in enumerate(self.objectives):
            r = self.ratings[i] if i < len(self.ratings) else {}
            out.append({"objective": o.get("objective", ""), "measure": o.get("measure", ""),
                        "rating": r.get("rating", ""), "label": labels.get(r.get("rating", ""), ""),
                        "comment": r.get("comment", "")})
        return out


class MidtermReminder(models.Model):
    """One reminder e-mailed to the tutor about a pending evaluation (at most one a week, bounded)."""

    evaluation = models.ForeignKey(MidtermEvaluation, on_delete=models.CASCADE, related_name="reminder_rows")
    sent_at = models.DateTimeField()
    sent_to = models.EmailField()

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")


class CallRequest(models.Model):
    """The referent teacher asks for a call after reading the mid-term evaluation: the tutor and the student are
    told by e-mail."""

    evaluation = models.ForeignKey(MidtermEvaluation, on_delete=models.CASCADE, related_name="call_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    note = models.TextField(_("why and when"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")


class ProfessionalContact(models.Model):
    """A person the student met (the brief's "réseau professionnel"): kept by the student, who alone changes it;
    ``on_profile`` adds it to the connections shown on their profile."""

    class HowMet(models.TextChoices):
        INTERNSHIP = "internship", _("During the internship")
        EVENT = "event", _("At an event or a show")
        SCHOOL = "school", _("Through the school")
        INTRODUCED = "introduced", _("Introduced by someone")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_contacts")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=160)
    how_met = models.CharField(_("how you met"), max_length=12, choices=HowMet.choices, default=HowMet.INTERNSHIP)
    met_on = models.DateField(_("date met"))
    email = models.EmailField(_("e-mail"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn profile"), max_length=300, blank=True)
    on_profile = models.BooleanField(_("add to my connections"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-met_on", "-id"]
        verbose_name = _("professional contact")
        verbose_name_plural = _("professional contacts")
        indexes = [models.Index(fields=["student", "met_on"], name="careers_contact_met_idx")]

    def __str__(self):
        return f"{self.name} ({self.organisation})"
