"""Forms of sign-up and of the student profile sections."""
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import (
    AcademicProject,
    AvailabilityPeriod,
    InternshipRecord,
    LanguageSkill,
    MentorRelation,
    PeerReview,
    PortfolioItem,
    ProjectParticipation,
    SectorPreference,
    SoftwareSkill,
    Specialisation,
    StudentProfile,
    TargetRole,
    TechnicalSkill,
    User,
)
from .validators import MAX_YEAR, MIN_YEAR


class SignupForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 10 characters, not too common, not only digits."))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account already uses this e-mail address. Sign in or reset your password."),
                                  code="email_taken")
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(email=data.get("email") or "", first_name=data.get("first_name") or "",
                         last_name=data.get("last_name") or "")
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EmployerSignupForm(SignupForm):
    company = forms.CharField(label=_("Company"), max_length=160,
                              help_text=_("Your company joins the employers of Flow Stage Academy."))
    field_order = ["company", "first_name", "last_name", "email", "password1", "password2"]


class YearInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__({"min": MIN_YEAR, "max": MAX_YEAR, "step": 1, **(attrs or {})})


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AboutForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ["headline", "looking_for", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}


class AcademicForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ["gpa", "gpa_scale"]
        help_texts = {"gpa": _("Your current average, e.g. 14.5 out of 20 or 3.2 out of 4.")}

    def clean(self):
        data = super().clean()
        gpa, scale = data.get("gpa"), data.get("gpa_scale")
        if gpa is not None and scale and gpa > scale:
            self.add_error("gpa", _("An average out of %(scale)s cannot be above %(scale)s.") % {"scale": scale})
        return data


class CareerForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ["mobility", "mobility_notes", "salary_min", "salary_max"]

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", _("The upper bound must be at least the lower bound."))
        return data


class VisibilityForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ["is_public", "public_skills", "public_portfolio", "public_experience", "public_career",
                  "public_readiness"]


class DatesInOrderMixin:
    start_field, end_field = "start", "end"

    def clean(self):
        data = super().clean()
        start, end = data.get(self.start_field), data.get(self.end_field)
        if start and end and end < start:
            self.add_error(self.end_field, _("The end date must be on or after the start date."))
        return data


class AvailabilityForm(DatesInOrderMixin, forms.ModelForm):
    class Meta:
        model = AvailabilityPeriod
        fields = ["start", "end", "note"]
        widgets = {"start": DATE, "end": DATE}


class InternshipForm(DatesInOrderMixin, forms.ModelForm):
    class Meta:
        model = InternshipRecord
        fields = ["kind", "organisation", "role", "start", "end", "tutor", "description"]
        widgets = {"start": DATE, "end": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class MentorForm(forms.ModelForm):
    class Meta:
        model = MentorRelation
        fields = ["mentor_name", "organisation", "since"]
        widgets = {"since": DATE}

    def clean(self):
        data = super().clean()
        if not data.get("mentor_name") and not (self.instance and self.instance.mentor_id):
            self.add_error("mentor_name", _("Give the mentor’s name."))
        return data


class PortfolioForm(forms.ModelForm):
    class Meta:
        model = PortfolioItem
        fields = ["title", "role", "year", "link", "file", "description"]
        widgets = {"year": YearInput(), "description": forms.Textarea(attrs={"rows": 2})}


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int,
                                    choices=[(i, f"{i} / 5") for i in range(5, 0, -1)])

    class Meta:
        model = PeerReview
        fields = ["rating", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


def _rows(model, fields, form=forms.ModelForm, widgets=None, extra=1):
    return inlineformset_factory(StudentProfile, model, form=form, fields=fields, widgets=widgets,
                                 extra=extra, can_delete=True, max_num=50, validate_max=True)


SpecialisationFormSet = _rows(Specialisation, ["name"])
LanguageFormSet = _rows(LanguageSkill, ["language", "level"])
AcademicProjectFormSet = _rows(AcademicProject, ["title", "year", "url", "description"],
                               widgets={"year": YearInput(), "description": forms.Textarea(attrs={"rows": 2})})
TechnicalSkillFormSet = _rows(TechnicalSkill, ["name", "level"])
SoftwareSkillFormSet = _rows(SoftwareSkill, ["software", "level"])
PortfolioFormSet = _rows(PortfolioItem, PortfolioForm.Meta.fields, form=PortfolioForm)
TargetRoleFormSet = _rows(TargetRole, ["title"])
SectorFormSet = _rows(SectorPreference, ["sector"])
AvailabilityFormSet = _rows(AvailabilityPeriod, AvailabilityForm.Meta.fields, form=AvailabilityForm)
MentorFormSet = _rows(MentorRelation, MentorForm.Meta.fields, form=MentorForm)
InternshipFormSet = _rows(InternshipRecord, InternshipForm.Meta.fields, form=InternshipForm)
ProjectFormSet = _rows(ProjectParticipation, ["project", "role", "year", "description"],
                       widgets={"year": YearInput(), "description": forms.Textarea(attrs={"rows": 2})})


# The edit pages: key -> title, intro, the profile form (or None) and the row formsets (prefix, title, class).
SECTIONS = {
    "about": {
        "title": _("About me"), "intro": _("Introduce yourself in a few words and say what you are looking for."),
        "form": AboutForm, "formsets": [],
    },
    "academic": {
        "title": _("Studies"),
        "intro": _("Your school, programme and graduation year come from your cohort; add the rest here."),
        "form": AcademicForm,
        "formsets": [("spec", _("Specialisations"), SpecialisationFormSet),
                     ("lang", _("Languages"), LanguageFormSet),
                     ("acad", _("Academic projects"), AcademicProjectFormSet)],
    },
    "skills": {
        "title": _("Skills and software"),
        "intro": _("Levels: 1 notions, 2 beginner, 3 operational, 4 advanced, 5 expert. Each change is kept "
                   "to draw your progress."),
        "form": None,
        "formsets": [("tech", _("Technical skills"), TechnicalSkillFormSet),
                     ("soft", _("Software mastery"), SoftwareSkillFormSet)],
    },
    "portfolio": {
        "title": _("Portfolio"), "intro": _("Projects you worked on, with a link or a file (20 MB at most)."),
        "form": None, "formsets": [("port", _("Portfolio items"), PortfolioFormSet)], "multipart": True,
    },
    "career": {
        "title": _("Career wishes"), "intro": _("Roles, sectors, mobility, pay and availability."),
        "form": CareerForm,
        "formsets": [("role", _("Target roles"), TargetRoleFormSet),
                     ("sect", _("Preferred sectors"), SectorFormSet),
                     ("avail", _("Availability"), AvailabilityFormSet),
                     ("ment", _("Mentors"), MentorFormSet)],
    },
    "experience": {
        "title": _("Experience"), "intro": _("Internships, apprenticeships, jobs and projects you took part in."),
        "form": None,
        "formsets": [("intern", _("Internships and apprenticeships"), InternshipFormSet),
                     ("proj", _("Project participations"), ProjectFormSet)],
    },
    "visibility": {
        "title": _("Visibility"),
        "intro": _("Your profile is private unless you make it public. Your pay expectations are never shown."),
        "form": VisibilityForm, "formsets": [],
    },
}
