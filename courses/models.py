"""Models of the courses app: the Wagtail catalogue (catalogue > school section > course > unit > lesson),
enrolments, lesson completions, assignment submissions, component marks and ECTS credit records.

Learning records (enrolment, completion, submission, marks) always point at the page of the SOURCE
locale (French); English pages are Wagtail translations sharing the same `translation_key`.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from simple_history.models import HistoricalRecords
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from lms import scoring

from .forms import CoursePageForm
from .page_cache import CachedViewRestrictions


# --------------------------------------------------------------------------------------------------
# StreamField blocks of a lesson
# --------------------------------------------------------------------------------------------------
class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Warning"))], default="info"
    )
    title = blocks.CharBlock(required=False, max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"
        label = _("Callout")


class MediaBlock(blocks.StructBlock):
    """An embedded video or audio (oEmbed URL: YouTube, Vimeo, SoundCloud…)."""

    media = EmbedBlock(help_text=_("URL of a video or an audio (YouTube, Vimeo, SoundCloud…)"))
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "media"
        template = "courses/blocks/media.html"
        label = _("Video or audio")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, max_length=160)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"
        label = _("Downloadable document")


class AssignmentBlock(blocks.StructBlock):
    """A practical assignment: instructions, and a submission by the student (file or link) graded by
    the teacher."""

    title = blocks.CharBlock(max_length=160)
    instructions = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])
    submission = blocks.ChoiceBlock(
        choices=[("file", _("A file")), ("link", _("A link")), ("either", _("A file or a link"))],
        default="either",
    )

    class Meta:
        icon = "form"
        template = "courses/blocks/assignment.html"
        label = _("Practical assignment")


LESSON_BLOCKS = [
    ("heading", blocks.CharBlock(form_classname="title", icon="title", template="courses/blocks/heading.html",
                                 label=_("Heading"))),
    ("text", blocks.RichTextBlock(features=["h3", "h4", "bold", "italic", "link", "ul", "ol", "blockquote"],
                                  label=_("Rich text"))),
    ("image", ImageBlock(label=_("Image"))),
    ("media", MediaBlock()),
    ("document", DocumentBlock()),
    ("callout", CalloutBlock()),
    ("assignment", AssignmentBlock()),
]


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------
class CourseIndexPage(CachedViewRestrictions, Page):
    """The catalogue: lists published courses of its locale (falling back to French), with filters."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.SchoolSectionPage", "courses.CoursePage"]
    template = "courses/catalogue.html"

    class Meta:
        verbose_name = _("course catalogue")

    def route(self, request, path_components):
        """Resolve a descendant in one query by its url_path (instead of two queries per tree level)."""
        if not path_components:
            return super().route(request, path_components)
        from django.http import Http404
        from wagtail.url_routing import RouteResult

        url_path = self.url_path + "/".join(path_components) + "/"
        page = None
        if len(path_components) >= 3:  # usually a lesson: try the concrete model first (one query)
            page = LessonPage.objects.filter(url_path=url_path, locale_id=self.locale_id).first()
        if page is None:
            page = Page.objects.filter(url_path=url_path, locale_id=self.locale_id).first()
            page = page.specific if page is not None else None
        if page is None or not page.live:
            raise Http404
        if type(page).route is not Page.route:  # a page with its own routing (sub-URLs) keeps it
            return page.route(request, [])
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        from .views import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(self, request))
        return context


class SchoolSectionPage(CachedViewRestrictions, Page):
    """The section of a partner school (or of Flow Stage itself when `school` is empty): its teachers
    author the courses of this subtree."""

    school = models.ForeignKey(
        "partnerships.School", null=True, blank=True, on_delete=models.PROTECT, related_name="course_sections",
        verbose_name=_("school"), help_text=_("Empty for Flow Stage's own courses."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("school"), FieldPanel("intro")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.CoursePage"]
    template = "courses/school_section.html"

    class Meta:
        verbose_name = _("school section")


class CoursePage(CachedViewRestrictions, Page):
    class Kind(models.TextChoices):
        MODULE = "module", _("Integrated curriculum module")
        CONTINUING = "continuing", _("Continuing-education course")
        CERTIFICATION_PREP = "certification_prep", _("Certification preparation")

    class Level(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")
        PROFESSIONAL = "professional", _("Professional")

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MODULE)
    code = models.CharField(_("code"), max_length=40, help_text=_("Stable code, e.g. AUDIO-FSR-PREP"))
    summary = models.TextField(_("summary"), max_length=600)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.INTERMEDIATE)
    year_of_study = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("For curriculum modules: year after the baccalauréat (3 = 3rd year)."),
    )
    language = models.CharField(_("teaching language"), max_length=2, choices=Language.choices,
                                default=Language.FRENCH)
    ects_credits = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1, default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0"))])
    price = models.DecimalField(
        _("price (€, excl. VAT)"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Paid continuing education only (e.g. 199 € per post-graduation module)."),
    )
    open_enrolment = models.BooleanField(_("open to self-enrolment"), default=True)
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal("50"),
                                    validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    schools = ParentalManyToManyField("partnerships.School", blank=True, related_name="co_created_courses",
                                      verbose_name=_("co-creating schools"))
    authors = ParentalManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="authored_courses",
                                      verbose_name=_("authors"))

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("code"),
        index.FilterField("kind"),
        index.FilterField("level"),
        index.FilterField("language"),
    ]
    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("kind"), FieldPanel("code"), FieldPanel("level"), FieldPanel("year_of_study"),
                         FieldPanel("language")], heading=_("Identity")),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("ects_credits"), FieldPanel("price"), FieldPanel("open_enrolment")],
                        heading=_("Credits and price")),
        MultiFieldPanel([FieldPanel("schools"), FieldPanel("authors")], heading=_("Co-creation")),
        MultiFieldPanel([FieldPanel("pass_mark"), InlinePanel("assessment_components", label=_("Component"))],
                        heading=_("Assessment scheme")),
    ]
    parent_page_types = ["courses.CourseIndexPage", "courses.SchoolSectionPage"]
    subpage_types = ["courses.UnitPage"]
    base_form_class = CoursePageForm
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if self.price is not None and self.kind != self.Kind.CONTINUING:
            raise ValidationError({"price": _("Only continuing-education courses have a price.")})

    def scheme(self, components=None) -> scoring.Scheme:
        comps = components if components is not None else list(self.assessment_components.all())
        return scoring.Scheme.of([(c.key, c.label, c.weight) for c in comps], self.pass_mark)

    def get_context(self, request, *args, **kwargs):
        from .views import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(self, request))
        return context


class AssessmentComponent(Orderable):
    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="assessment_components")
    key = models.SlugField(_("key"), max_length=40, help_text=_("Stable identifier, e.g. continuous"))
    label = models.CharField(_("label"), max_length=120)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])
    # Final report and credits: a component may take its mark from a record instead of a teacher's typing.
    class Source(models.TextChoices):
        MANUAL = "manual", _("Typed by the teacher")
        CERTIFICATION = "certification", _("The student's Flow Stage certification result")

    source = models.CharField(_("where the mark comes from"), max_length=20, choices=Source.choices,
                              default=Source.MANUAL)

    panels = [FieldPanel("key"), FieldPanel("label"), FieldPanel("weight"), FieldPanel("source")]

    @property
    def automatic(self) -> bool:
        return self.source != self.Source.MANUAL

    def __str__(self):
        return f"{self.label} ({self.weight} %)"


class UnitPage(CachedViewRestrictions, Page):
    """A semester, or a module of a certification programme. Its hours are the sum of its lessons'."""

    order = models.PositiveSmallIntegerField(_("order"), default=1)
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("order"), FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/unit_page.html"

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    @property
    def hours(self) -> Decimal:
        total = LessonPage.objects.child_of(self).aggregate(t=models.Sum("hours"))["t"]
        return total or Decimal("0")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect(self.get_parent().url + f"#unit-{self.pk}")


class LessonPage(CachedViewRestrictions, Page):
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.1"))])
    objectives = models.TextField(_("learning objectives"), blank=True, help_text=_("One objective per line."))
    body = StreamField(LESSON_BLOCKS, blank=True, verbose_name=_("body"))
    validated_by_internship = models.BooleanField(
        _("validated by the internship's co-signed report"), default=False,
        help_text=_("The part is done when the student's internship report is co-signed by the tutor and the "
                    "referent teacher, not when the student marks it done."))

    search_fields = Page.search_fields + [index.SearchField("objectives"), index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("hours"), FieldPanel("objectives"),
                                            FieldPanel("validated_by_internship"), FieldPanel("body")]
    parent_page_types = ["courses.UnitPage"]
    subpage_types: list = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="lesson_hours_positive")]

    def clean(self):
        super().clean()
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": _("A lesson lasts more than 0 hours.")})

    @property
    def objective_list(self):
        return [line.strip(" -•\t") for line in (self.objectives or "").splitlines() if line.strip(" -•\t")]

    def get_context(self, request, *args, **kwargs):
        from .views import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(self, request))
        return context


# --------------------------------------------------------------------------------------------------
# Learning records
# --------------------------------------------------------------------------------------------------
class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolment")
        COHORT = "cohort", _("Cohort enrolment")
        STAFF = "staff", _("Enrolled by staff")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SELF)
    cohort = models.ForeignKey("partnerships.Cohort", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="course_enrolments")
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    price_paid = models.DecimalField(_("price paid (€)"), max_digits=8, decimal_places=2, null=True, blank=True)
    last_lesson = models.ForeignKey("LessonPage", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="uniq_enrolment")]
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self):
        return f"{self.user} — {self.course}"


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="uniq_lesson_completion")]


def submission_upload_to(instance, filename):
    return f"courses/submissions/{instance.enrolment.course_id}/{instance.enrolment.user_id}/{filename}"


class Submission(models.Model):
    """A student's answer to a practical assignment block of a lesson; graded by a teacher."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="submissions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="submissions")
    block_id = models.CharField(_("assignment block"), max_length=64)
    assignment_title = models.CharField(_("assignment"), max_length=160)
    file = models.FileField(_("file"), upload_to=submission_upload_to, blank=True, max_length=300)
    url = models.URLField(_("link"), blank=True, max_length=500)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)
    grade = models.DecimalField(_("grade (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    feedback = models.TextField(_("feedback"), blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson", "block_id"], name="uniq_submission_per_block"),
            models.CheckConstraint(condition=~(models.Q(file="") & models.Q(url="")), name="submission_not_empty"),
        ]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")


class ComponentMark(models.Model):
    """A student's mark (percentage) for one component of the course's assessment scheme. Audited."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks")
    component_key = models.SlugField(_("component"), max_length=40)
    score = models.DecimalField(_("score (%)"), max_digits=7, decimal_places=4,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "component_key"], name="uniq_component_mark"),
            models.CheckConstraint(condition=models.Q(score__gte=0) & models.Q(score__lte=100),
                                   name="component_mark_range"),
        ]
        verbose_name = _("component mark")
        verbose_name_plural = _("component marks")


class CreditRecord(models.Model):
    """ECTS credits on the student's record: written when a module is passed (``course``), or validated by another
    app's record (``source`` internship: ``reference`` names it, e.g. ``careers.agreement:12``; once per reference)."""

    class Source(models.TextChoices):
        MODULE = "module", _("Course module")
        INTERNSHIP = "internship", _("Internship")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_records")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="credit_records", null=True,
                               blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MODULE)
    title = models.CharField(_("title"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    ects = models.DecimalField(_("ECTS credits"), max_digits=4, decimal_places=1)
    grade = models.DecimalField(_("final grade (%)"), max_digits=7, decimal_places=4)
    awarded_at = models.DateTimeField(_("awarded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="uniq_credit_record"),
                       models.UniqueConstraint(fields=["user", "reference"], condition=~models.Q(reference=""),
                                               name="uniq_credit_reference"),
                       models.CheckConstraint(condition=models.Q(course__isnull=False) | ~models.Q(reference=""),
                                              name="credit_record_has_origin")]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
