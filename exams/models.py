"""Question bank, rubrics, exams, certifications, registrations, attempts and grading records.

Languages: question content is bilingual data — `text_fr` / `text_en` and `feedback_fr` /
`feedback_en` on the version, and `*_fr` / `*_en` keys inside the answer key for choices, pairs and
items. An empty English (or French) text falls back to the other language.

Versioning: `Question` is the editable working copy; `QuestionVersion` rows are immutable once an
attempt used them. Saving a question whose current version is used creates version n+1; attempts keep
the version they showed (`AttemptQuestion.version`). Same for rubrics: `Rubric` rows are versions
(`family` + `version`); a rubric used by an assessment is locked and edits make a new version.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exams import grading


def tr(obj, base: str, lang: str | None = None) -> str:
    """The `base_<lang>` text of a model or dict, falling back to the other language."""
    lang = (lang or translation.get_language() or "fr")[:2]
    other = "en" if lang == "fr" else "fr"
    get = obj.get if isinstance(obj, dict) else (lambda k, d="": getattr(obj, k, d))
    return get(f"{base}_{lang}", "") or get(f"{base}_{other}", "") or ""


class QuestionCategory(models.Model):
    """A category of the bank, owned by a school or Flow Stage's (school empty). Flow Stage's are shared with
    every school, except the certification banks (`exams.services.certification_bank`): those are Flow
    Stage's alone."""

    name = models.CharField(_("name"), max_length=160)
    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, null=True, blank=True, related_name="question_categories",
        verbose_name=_("school"), help_text=_("Empty = shared with every school"),
    )
    description = models.TextField(_("description"), blank=True)
    flowstage_only = models.BooleanField(
        _("Flow Stage only"), default=False,
        help_text=_("A certification bank: only Flow Stage's bank administrators see it (for instance while its "
                    "questions are written). A category a certification exam draws from is always one."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_question_category_name"),
            # A school's own bank is always the school's to use.
            models.CheckConstraint(condition=Q(flowstage_only=False) | Q(school__isnull=True),
                                   name="flowstage_only_category_not_a_schools"),
        ]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self):
        owner = self.school or _("shared")  # not inside the f-string: makemessages does not look there
        return f"{self.name} ({owner})"


class QuestionType(models.TextChoices):
    SINGLE = grading.SINGLE, _("Single choice")
    MULTIPLE = grading.MULTIPLE, _("Multiple choice")
    TRUEFALSE = grading.TRUEFALSE, _("True/false")
    NUMERIC = grading.NUMERIC, _("Numeric")
    SHORT = grading.SHORT, _("Short text")
    MATCHING = grading.MATCHING, _("Matching")
    ORDERING = grading.ORDERING, _("Ordering")


STAGED_IMPORTS_PER_USER = 3
STAGED_IMPORT_LIFETIME = timedelta(hours=24)


class StagedImport(models.Model):
    """A file waiting between the import preview and its confirmation: the text itself (at most
    `exams.formats.MAX_SOURCE_BYTES`), re-read for each page of the preview and for the import, so
    neither the session nor a hidden field carries it. Transient: a user keeps at most
    `STAGED_IMPORTS_PER_USER`, older than `STAGED_IMPORT_LIFETIME` are deleted (see
    `exams.services.stage_import`) and the import deletes its row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(_("format"), max_length=4, choices=[("gift", "GIFT"), ("xml", "Moodle XML")])
    category = models.ForeignKey(QuestionCategory, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    language = models.CharField(_("language"), max_length=2)
    source = models.TextField(_("source"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staged import")
        verbose_name_plural = _("staged imports")


class Question(models.Model):
    """The working copy of a question; its content is snapshotted into `QuestionVersion` rows."""

    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="questions",
                                 verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    qtype = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    feedback_fr = models.TextField(_("feedback (French)"), blank=True)
    feedback_en = models.TextField(_("feedback (English)"), blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    key = models.JSONField(_("answer key"), default=dict,
                           help_text=_("Choices, accepted answers, pairs or items (JSON)"))
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("current version"), default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__name", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.name or (tr(self, "text")[:80])

    CONTENT_FIELDS = ("qtype", "text_fr", "text_en", "feedback_fr", "feedback_en", "points", "key")

    def clean(self):
        if not (self.text_fr or self.text_en):
            raise ValidationError(_("Write the question in French or in English."))
        try:
            grading.validate_key(self.qtype, self.key)
        except grading.GradingError as exc:
            from lms.templatetags.i18n_messages import localize

            raise ValidationError({"key": localize(exc.message)}) from None

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.sync_version()

    def sync_version(self) -> "QuestionVersion":
        """Make the current version match the working copy: edit in place if unused, else version n+1."""
        content = {f: getattr(self, f) for f in self.CONTENT_FIELDS}
        current = self.versions.filter(number=self.version).first() if self.version else None
        if current is not None:
            if all(getattr(current, f) == content[f] for f in self.CONTENT_FIELDS):
                return current
            if not current.attempt_questions.exists():
                for f, v in content.items():
                    setattr(current, f, v)
                current.save()
                return current
        number = self.version + 1
        created = QuestionVersion.objects.create(question=self, number=number, **content)
        Question.objects.filter(pk=self.pk).update(version=number)
        self.version = number
        return created

    @property
    def current_version(self):
        return self.versions.get(number=self.version)


class QuestionVersion(models.Model):
    """An immutable-once-used snapshot of a question: what an attempt shows and grades against."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    qtype = models.CharField(max_length=12, choices=QuestionType.choices)
    text_fr = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    feedback_fr = models.TextField(blank=True)
    feedback_en = models.TextField(blank=True)
    points = models.DecimalField(max_digits=7, decimal_places=2)
    key = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="uniq_question_version")]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")

    def __str__(self):
        return f"{self.question} v{self.number}"


class Rubric(models.Model):
    """One version of a practical-evaluation rubric. `family` groups the versions of one rubric."""

    family = models.SlugField(_("rubric code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family", "-version"]
        constraints = [models.UniqueConstraint(fields=["family", "version"], name="uniq_rubric_version")]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return f"{tr(self, 'title')} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.assessments.exists()

    def max_points(self) -> Decimal:
        return sum((c.max_points() for c in self.criteria.all()), Decimal(0))


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        ordering = ["rubric_id", "position", "pk"]

    def __str__(self):
        return tr(self, "title")

    def max_points(self) -> Decimal:
        return max((lv.points for lv in self.levels.all()), default=Decimal(0))


class RubricLevel(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(default=0)
    label_fr = models.CharField(max_length=120)
    label_en = models.CharField(max_length=120, blank=True)
    descriptor_fr = models.TextField(blank=True)
    descriptor_en = models.TextField(blank=True)
    points = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))])

    class Meta:
        ordering = ["criterion_id", "position", "points"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=0), name="rubric_level_points_not_negative")]

    def __str__(self):
        return f"{tr(self, 'label')} ({self.points})"


class Exam(models.Model):
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    instructions_fr = models.TextField(_("instructions (French)"), blank=True)
    instructions_en = models.TextField(_("instructions (English)"), blank=True)
    theory_weight = models.DecimalField(_("theory weight (%)"), max_digits=5, decimal_places=2, default=Decimal("60"))
    practical_weight = models.DecimalField(_("practical weight (%)"), max_digits=5, decimal_places=2,
                                           default=Decimal("40"))
    pass_mark = models.DecimalField(_("pass threshold (%)"), max_digits=5, decimal_places=2, default=Decimal("75"),
                                    validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, null=True, blank=True, related_name="exams",
                               verbose_name=_("practical rubric"))
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=60,
                                                     validators=[MinValueValidator(1)])
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3,
                                                    validators=[MinValueValidator(1)])
    wait_between_attempts = models.DurationField(_("waiting period between attempts"), default=timedelta(0))
    grace_seconds = models.PositiveIntegerField(_("grace period (seconds)"), default=30)
    # Review options (exams/review.py): what the candidate sees of a closed attempt, at each moment.
    review_immediately_score = models.BooleanField(_("immediately after: score"), default=True)
    review_immediately_responses = models.BooleanField(_("immediately after: their answers"), default=False)
    review_immediately_right_answers = models.BooleanField(_("immediately after: right answers"), default=False)
    review_immediately_feedback = models.BooleanField(_("immediately after: feedback"), default=False)
    review_open_score = models.BooleanField(_("later, while the exam is open: score"), default=True)
    review_open_responses = models.BooleanField(_("later, while the exam is open: their answers"), default=False)
    review_open_right_answers = models.BooleanField(_("later, while the exam is open: right answers"),
                                                    default=False)
    review_open_feedback = models.BooleanField(_("later, while the exam is open: feedback"), default=False)
    review_closed_score = models.BooleanField(_("after the exam is closed: score"), default=True)
    review_closed_responses = models.BooleanField(_("after the exam is closed: their answers"), default=True)
    review_closed_right_answers = models.BooleanField(_("after the exam is closed: right answers"), default=True)
    review_closed_feedback = models.BooleanField(_("after the exam is closed: feedback"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title_fr"]
        verbose_name = _("exam")
        verbose_name_plural = _("exams")

    def __str__(self):
        return tr(self, "title")

    @property
    def title(self):
        return tr(self, "title")

    def scheme(self):
        """The lms.scoring scheme of this exam (theory only when the practical weight is 0)."""
        from lms.scoring import Scheme

        parts = [("theory", "Theory", self.theory_weight)]
        if self.practical_weight:
            parts.append(("practical", "Practical", self.practical_weight))
        return Scheme.of(parts, self.pass_mark)

    @property
    def has_practical(self) -> bool:
        return bool(self.practical_weight) and self.practical_weight > 0

    def clean(self):
        from lms.scoring import SchemeError

        try:
            self.scheme()
        except SchemeError as exc:
            raise ValidationError({"practical_weight": str(exc)}) from None
        if self.practical_weight and self.rubric_id is None:
            raise ValidationError({"rubric": _("A practical part needs a rubric.")})
        if self.available_from and self.available_until and self.available_until <= self.available_from:
            raise ValidationError({"available_until": _("The window must end after it starts.")})


# A certification bank is Flow Stage's alone, and a school's bank the school's: they never mix.
SCHOOL_BANK_IN_CERTIFICATION = _("A certification exam draws only from Flow Stage's categories, not a school's.")


class ExamFixedQuestion(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["exam_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["exam", "question"], name="uniq_exam_fixed_question")]

    def clean(self):
        if self.question_id and self.exam_id and self.question.category.school_id is not None \
                and Certification.objects.filter(exam_id=self.exam_id).exists():
            raise ValidationError({"question": SCHOOL_BANK_IN_CERTIFICATION})


class ExamRandomDraw(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="random_draws")
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exam", "category"], name="uniq_exam_random_draw")]

    def clean(self):
        if self.category_id and self.exam_id and self.category.school_id is not None \
                and Certification.objects.filter(exam_id=self.exam_id).exists():
            raise ValidationError({"category": SCHOOL_BANK_IN_CERTIFICATION})


class Certification(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, related_name="certification")
    price = models.DecimalField(_("price (€, excl. VAT)"), max_digits=8, decimal_places=2, default=Decimal("149"),
                                validators=[MinValueValidator(Decimal(0))])
    active = models.BooleanField(_("open for registration"), default=True)
    preparation_course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("preparation course"),
    )
    # Prerequisites (data, not code).
    required_domain = models.CharField(_("required programme domain"), max_length=20, default="sound")
    min_degree_level = models.PositiveSmallIntegerField(_("minimum level (Bac+n)"), default=2)
    min_experience_months = models.PositiveSmallIntegerField(_("minimum practical experience (months)"), default=3)
    min_software = models.PositiveSmallIntegerField(_("minimum software packages mastered"), default=2)
    min_software_level = models.CharField(_("minimum software expertise"), max_length=20, default="advanced")
    min_portfolio_projects = models.PositiveSmallIntegerField(_("minimum documented projects"), default=5)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_fr"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="certification_price_not_negative")]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return tr(self, "name")

    @property
    def name(self):
        return tr(self, "name")

    def clean(self):
        if self.exam_id and (
                ExamRandomDraw.objects.filter(exam_id=self.exam_id, category__school__isnull=False).exists()
                or ExamFixedQuestion.objects.filter(exam_id=self.exam_id,
                                                    question__category__school__isnull=False).exists()):
            raise ValidationError({"exam": SCHOOL_BANK_IN_CERTIFICATION})

    def requirements(self):
        from exams.prerequisites import Requirements

        return Requirements(self.required_domain, self.min_degree_level, self.min_experience_months,
                            self.min_software, self.min_software_level, self.min_portfolio_projects)


class PrerequisiteExemption(models.Model):
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="exemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_exemptions")
    prerequisite = models.CharField(_("prerequisite"), max_length=20, choices=[
        ("curriculum", _("Audio/sound curriculum, Bac+2 or above")),
        ("experience", _("Practical experience")),
        ("software", _("Professional software mastered")),
        ("portfolio", _("Documented portfolio projects")),
    ])
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certification", "user", "prerequisite"],
                                               name="uniq_prerequisite_exemption")]
        verbose_name = _("prerequisite exemption")
        verbose_name_plural = _("prerequisite exemptions")


class Registration(models.Model):
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="certification_registrations")
    registered_at = models.DateTimeField(default=timezone.now)
    fee = models.DecimalField(_("registration fee (€, excl. VAT)"), max_digits=8, decimal_places=2)
    prerequisites = models.JSONField(_("prerequisites at registration"), default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "user"], name="uniq_certification_registration"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="registration_fee_not_negative"),
        ]
        verbose_name = _("certification registration")
        verbose_name_plural = _("certification registrations")


class Accommodation(models.Model):
    """Extra time for a student (all exams, or one exam): it moves the deadline itself."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_accommodations")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, null=True, blank=True, related_name="accommodations")
    extra_minutes = models.PositiveIntegerField(_("extra time (minutes)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        AWAITING = "awaiting", _("Awaiting practical grading")
        GRADED = "graded", _("Graded")

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    seed = models.BigIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(help_text=_("Time limit + accommodation; the grace period is added on top"))
    grace_seconds = models.PositiveIntegerField(default=30)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_by_server = models.BooleanField(default=False)
    theory_points = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    theory_max = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    theory_pct = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    practical_pct = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    final_pct = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    passed = models.BooleanField(null=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    pass_notified_at = models.DateTimeField(null=True, blank=True)
    second_examiner_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "user"], condition=Q(status="open"),
                                    name="one_open_attempt_per_exam_user"),
            models.UniqueConstraint(fields=["exam", "user", "number"], name="uniq_attempt_number"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="exams_attempt_open_deadline")]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self):
        return f"{self.exam} — {self.user} #{self.number}"

    @property
    def hard_deadline(self):
        return self.deadline + timedelta(seconds=self.grace_seconds)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) > self.hard_deadline


class AttemptQuestion(models.Model):
    """One question of an attempt (the exact version shown), its position and the saved answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="attempt_questions")
    position = models.PositiveSmallIntegerField()
    option_order = models.JSONField(default=list, help_text=_("Shuffled ids of choices/items shown"))
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    awarded = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="uniq_attempt_question_position"),
            models.UniqueConstraint(fields=["attempt", "version"], name="uniq_attempt_question_version"),
        ]


class PracticalAssessment(models.Model):
    """An examiner's rubric scoring of an attempt's practical part (first or second examiner)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="assessments")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments")
    examiner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_assessments")
    order = models.PositiveSmallIntegerField(default=1, help_text=_("1 = first examiner, 2 = second examiner"))
    levels = models.JSONField(default=dict, help_text=_("criterion id -> level id"))
    comments = models.JSONField(default=dict, help_text=_("criterion id -> comment"))
    overall_comment = models.TextField(blank=True)
    points = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["attempt_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "order"], name="uniq_assessment_order"),
            models.UniqueConstraint(fields=["attempt", "examiner"], name="uniq_assessment_examiner"),
        ]


class RegradeAudit(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("regrade audit")
        verbose_name_plural = _("regrade audits")
