"""Partner schools, their programmes and cohorts, tiers with entitlements, partnerships, employers."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class School(models.Model):
    class Category(models.TextChoices):
        CINEMA = "cinema", _("Cinema & audiovisual")
        ANIMATION = "animation", _("Animation")
        SOUND = "sound", _("Sound")
        LIGHTING = "lighting", _("Stage lighting")
        TECHNICAL = "technical", _("Technical")

    class Typology(models.TextChoices):
        NATIONAL = "tier1", _("National (tier 1)")
        REGIONAL = "tier2", _("Regional (tier 2)")
        TECHNICAL = "tier3", _("Technical (tier 3)")

    class Country(models.TextChoices):
        FRANCE = "FR", _("France")
        BELGIUM = "BE", _("Belgium")
        SWITZERLAND = "CH", _("Switzerland")
        SPAIN = "ES", _("Spain")
        ITALY = "IT", _("Italy")

    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.FRANCE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    typology = models.CharField(_("typology"), max_length=10, choices=Typology.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="schools/logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.name


class SchoolMember(models.Model):
    """A user working for a school: staff (administration) or teacher/examiner."""

    class Role(models.TextChoices):
        STAFF = "staff", _("School staff")
        TEACHER = "teacher", _("Teacher")
        EXAMINER = "examiner", _("Examiner")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "user", "role"], name="uniq_school_member_role")]
        verbose_name = _("school member")
        verbose_name_plural = _("school members")

    def __str__(self):
        return f"{self.user} — {self.school} ({self.get_role_display()})"


class Programme(models.Model):
    """A curriculum of a school, e.g. "Ingénieur Son" (Bac+3, sound)."""

    class Domain(models.TextChoices):
        CINEMA = "cinema", _("Cinema")
        SOUND = "sound", _("Sound / audio")
        LIGHTING = "lighting", _("Stage lighting")
        ANIMATION = "animation", _("Animation")
        OTHER = "other", _("Other")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(_("name"), max_length=160)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    degree_level = models.PositiveSmallIntegerField(
        _("level (years after the baccalauréat)"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )

    class Meta:
        ordering = ["school__name", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_programme_per_school")]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return f"{self.name} (Bac+{self.degree_level}) — {self.school}"


class Cohort(models.Model):
    """School × programme × graduation year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_('e.g. "L3"'))
    graduation_date = models.DateField(
        _("graduation date"), null=True, blank=True,
        help_text=_("Empty: 30 June of the graduation year. The six-month outcome survey is sent from this date."),
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CohortMembership", related_name="cohorts", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-graduation_year", "programme__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "graduation_year"], name="uniq_cohort_programme_year")
        ]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    @property
    def school(self):
        return self.programme.school

    @property
    def graduated_on(self):
        """The graduation date, or 30 June of the graduation year when none was entered."""
        import datetime

        return self.graduation_date or datetime.date(self.graduation_year, 6, 30)

    def __str__(self):
        label = f"{self.label} " if self.label else ""
        return f"{label}{self.programme.name} {self.graduation_year} — {self.programme.school.name}"


class CohortMembership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships")
    joined_on = models.DateField(_("joined on"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="uniq_cohort_member")]
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")

    def __str__(self):
        return f"{self.user} in {self.cohort}"


class CohortInvitation(models.Model):
    """An invitation to join a cohort, for anyone who is not already a student of the cohort's school.

    Membership is created only when the invitee accepts (partnerships.services.accept_invitation): until
    then the school sees the e-mail address it typed and nothing of the account behind it. The link is
    single-use and expires; only a SHA-256 of its secret is stored. The history is the audit trail."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        REVOKED = "revoked", _("revoked")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    language = models.CharField(_("language of the e-mail"), max_length=5, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="cohort_invitations", help_text=_("The account that accepted."))
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "email"], condition=models.Q(status="pending"),
                                               name="uniq_pending_cohort_invitation")]
        verbose_name = _("cohort invitation")
        verbose_name_plural = _("cohort invitations")

    def __str__(self):
        return f"{self.email} → {self.cohort} ({self.status})"


class Entitlement(models.Model):
    """A named right a partnership tier grants, checked by code through `entitlements.school_has`."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")

    def __str__(self):
        return self.name


class Tier(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    annual_fee = models.DecimalField(
        _("annual fee (€, excl. VAT)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    entitlements = models.ManyToManyField(Entitlement, related_name="tiers", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]
        constraints = [models.CheckConstraint(condition=models.Q(annual_fee__gte=0), name="tier_fee_not_negative")]
        verbose_name = _("partnership tier")
        verbose_name_plural = _("partnership tiers")

    def __str__(self):
        return self.name


class Partnership(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        PILOT = "pilot", _("Pilot")
        ACTIVE = "active", _("Active")
        RENEWAL_DUE = "renewal_due", _("Renewal due")
        RENEWED = "renewed", _("Renewed")
        LAPSED = "lapsed", _("Lapsed")

    # States in which the tier's entitlements apply.
    LIVE_STATUSES = (Status.PILOT, Status.ACTIVE, Status.RENEWAL_DUE, Status.RENEWED)

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partnerships")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="partnerships")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROSPECT)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    annual_fee = models.DecimalField(
        _("annual fee (€, excl. VAT)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # Pilot targets (brief §5.1: 50 students per school, 2 co-created modules).
    pilot_target_students = models.PositiveIntegerField(_("pilot target: students"), default=50)
    pilot_target_modules = models.PositiveSmallIntegerField(_("pilot target: co-created modules"), default=2)
    modules_co_created = models.PositiveSmallIntegerField(_("co-created modules (actual)"), default=0)
    # End date of the term for which "renewal due" was opened and notified (idempotence: once per term).
    renewal_opened_for = models.DateField(_("renewal opened for term ending"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name", "-start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annual_fee__gte=0), name="partnership_fee_not_negative"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="partnership_end_after_start",
            ),
        ]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self):
        return f"{self.school} — {self.tier} ({self.get_status_display()})"


class SchoolContact(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=160)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["school__name", "name"]
        verbose_name = _("school contact")
        verbose_name_plural = _("school contacts")

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class PartnershipTransition(models.Model):
    """One step of a partnership's lifecycle, written by `services` (renewal rate, timeline)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Partnership.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Partnership.Status.choices)
    on = models.DateField(_("on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("partnership transition")
        verbose_name_plural = _("partnership transitions")

    def __str__(self):
        return f"{self.partnership}: {self.from_status} → {self.to_status} ({self.on})"


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    # Invoices that count as revenue.
    BILLED_STATUSES = (Status.SENT, Status.PAID)

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("number"), max_length=30, unique=True)
    amount = models.DecimalField(_("amount (€, excl. VAT)"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="invoice_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="invoice_period_ordered"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return f"{self.number} — {self.partnership.school} ({self.amount} €)"


class PriceItem(models.Model):
    """The price list (brief §4.1) as data: what Flow Stage sells outside school partnerships."""

    class Segment(models.TextChoices):
        STUDENT = "student", _("Students")
        CONTINUING = "continuing", _("Continuing education")
        ENTERPRISE = "enterprise", _("Enterprise services")
        SCHOOL = "school", _("School services")

    class Unit(models.TextChoices):
        YEAR = "year", _("per year")
        OFFER = "offer", _("per offer")
        HIRE = "hire", _("per successful hire")
        DAY = "day", _("per day")
        UNIT = "unit", _("per unit")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    unit_price = models.DecimalField(_("unit price (€, excl. VAT)"), max_digits=10, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.UNIT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["segment", "code"]
        constraints = [models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="price_not_negative")]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list")

    def __str__(self):
        return f"{self.name} ({self.unit_price} € {self.get_unit_display()})"


class Employer(models.Model):
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="employers", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self):
        return self.name


class EnterpriseContract(models.Model):
    """A sale of an enterprise service (CVthèque access, priority offer, assisted hire, junior training)."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="contracts")
    item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="contracts")
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0"))])
    unit_price = models.DecimalField(_("unit price (€, excl. VAT)"), max_digits=10, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    signed_on = models.DateField(_("signed on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0) & models.Q(unit_price__gte=0),
                                   name="contract_amount_not_negative"),
        ]
        verbose_name = _("enterprise contract")
        verbose_name_plural = _("enterprise contracts")

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    def __str__(self):
        return f"{self.employer} — {self.item.name} ({self.signed_on})"


class BusinessProjection(models.Model):
    """The brief's three-year projection (§4.2), stored as data so the KPI page can compare."""

    year = models.PositiveSmallIntegerField(_("calendar year"), unique=True)
    label = models.CharField(_("label"), max_length=30, help_text=_('e.g. "Year 1"'))
    partner_schools = models.PositiveIntegerField(_("partner schools"))
    active_students = models.PositiveIntegerField(_("active students"))
    certifications = models.PositiveIntegerField(_("certifications per year"))
    recruiting_companies = models.PositiveIntegerField(_("recruiting companies"))
    revenue_partnerships = models.DecimalField(_("school partnerships (€)"), max_digits=12, decimal_places=2)
    revenue_certifications = models.DecimalField(_("student certifications (€)"), max_digits=12, decimal_places=2)
    revenue_enterprise = models.DecimalField(_("enterprise services (€)"), max_digits=12, decimal_places=2)
    revenue_continuing = models.DecimalField(_("continuing education (€)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["year"]
        verbose_name = _("business projection")
        verbose_name_plural = _("business projections")

    @property
    def revenue_total(self) -> Decimal:
        return (self.revenue_partnerships + self.revenue_certifications + self.revenue_enterprise
                + self.revenue_continuing)

    def __str__(self):
        return f"{self.label} ({self.year})"


# --- Service requests ----------------------------------------------------------------------------------------------

class ServiceRequest(models.Model):
    """A service a tier grants that Flow Stage delivers off the platform (a workshop, an expert talk, a faculty
    training…): the school's staff request it with a wished date, Flow Stage's staff schedule it and mark it
    delivered (``partnerships.services.request_service`` and the following verbs)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SCHEDULED = "scheduled", _("Scheduled")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="service_requests")
    entitlement = models.CharField(_("service"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    wished_on = models.DateField(_("wished date"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    scheduled_on = models.DateField(_("scheduled on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [models.Index(fields=["school", "status"], name="partnerships_svc_school_idx")]

    def __str__(self):
        return f"{self.school} — {self.entitlement}"
