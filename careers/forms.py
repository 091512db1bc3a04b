"""Forms of the careers pages. They clean input; the rules (French law, dates, one application per offer) are the
services', whose refusals the views put back on the form."""
from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from badges.models import Achievement

from . import matching
from .models import (
    CEFR_CHOICES, GENRE_CHOICES, LEVEL_CHOICES, VENUE_CHOICES, WEEKDAY_CHOICES, Agreement, ApprenticeshipProgramme,
    CareerProfile, ConsentPart, Kind, Offer,
)
from .selectors import Filters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FiltersForm(forms.Form):
    kind = forms.ChoiceField(label=_("Contract"), required=False, choices=[("", _("All"))] + list(Kind.choices))
    field = forms.ChoiceField(label=_("Specialisation"), required=False,
                              choices=[("", _("All"))] + [(c, _(label)) for c, label in matching.FIELDS])
    starts_after = forms.DateField(label=_("Starting from"), required=False, widget=DateInput())
    ends_before = forms.DateField(label=_("Ending by"), required=False, widget=DateInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=80,
                            widget=forms.TextInput(attrs={"placeholder": _("City, postcode or department")}))
    mobility_only = forms.BooleanField(label=_("Only in my mobility area"), required=False)
    show_all = forms.BooleanField(label=_("Show every offer, not only my matches"), required=False)

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        d = self.cleaned_data
        return Filters(kind=d["kind"], field=d["field"], starts_after=d["starts_after"], ends_before=d["ends_before"],
                       place=d["place"].strip(), mobility_only=d["mobility_only"], show_all=d["show_all"])


class ConsentField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", ConsentPart.choices)
        super().__init__(**kwargs)


class ApplyForm(forms.Form):
    message = forms.CharField(label=_("Your message to the employer"), max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    consent_parts = ConsentField(label=_("What the employer may see of your profile"), required=False,
                                 help_text=_("Your name and your message are always sent. You can take this consent "
                                             "back at any time from your application."))
    agree = forms.BooleanField(label=_("I agree that the employer sees the parts I ticked, from today."),
                               required=True)


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("shortlist", _("Shortlist")), ("accept", _("Accept")),
                                        ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (required to decline)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    message = forms.CharField(label=_("Message to the candidate"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class ContactSchoolForm(forms.Form):
    message = forms.CharField(label=_("Your question to your school"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class CareerProfileForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(label=_("I am looking for"), required=False, choices=Kind.choices,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Tick none to see both."))
    genres = forms.MultipleChoiceField(label=_("Favourite genres"), required=False, choices=GENRE_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)
    venue_sizes = forms.MultipleChoiceField(label=_("Preferred venue sizes"), required=False, choices=VENUE_CHOICES,
                                            widget=forms.CheckboxSelectMultiple)
    cv_parts = ConsentField(label=_("Parts shown in the CV database"), required=False)

    class Meta:
        model = CareerProfile
        fields = ["city", "postcode", "birth_date", "kinds", "genres", "venue_sizes", "cv_visible", "cv_parts"]
        widgets = {"birth_date": DateInput()}

    def clean_postcode(self):
        code = self.cleaned_data["postcode"].strip().replace(" ", "")
        if code and (len(code) != 5 or not code.isdigit()):
            raise forms.ValidationError(_("A French postcode has five digits."))
        return code


OFFER_FIELDS = ["kind", "title", "specialisation", "sector", "genres", "venue_size", "description", "address",
                "postcode", "city", "start_date", "end_date", "weekly_hours", "pay_monthly", "tutor_name", "tutor_role",
                "tutor_years", "places", "expires_on", "programme", "track", "contract_year"]


class OfferForm(forms.Form):
    """The offer's own fields, built from the model but cleaned as a plain form: the rules between fields (dates,
    French law) are the services', whose refusal names the rule and the figures, not the database's constraints."""

    def __init__(self, data=None, instance: Offer | None = None):
        initial = forms.models.model_to_dict(instance, fields=OFFER_FIELDS) if instance is not None else None
        super().__init__(data, initial=initial)
        self.fields.update(forms.fields_for_model(Offer, fields=OFFER_FIELDS, widgets={
            "start_date": DateInput(), "end_date": DateInput(), "expires_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5})}))
        self.order_fields(OFFER_FIELDS)
        self.fields["genres"] = forms.MultipleChoiceField(label=_("Genres"), required=False, choices=GENRE_CHOICES,
                                                          widget=forms.CheckboxSelectMultiple)
        self.fields["programme"] = forms.ModelChoiceField(
            label=_("Flow Stage apprenticeship programme"), required=False,
            queryset=ApprenticeshipProgramme.objects.all(),
            help_text=_("12 months, 2 days at school and 3 at the company; at least the programme's floor and never "
                        "under the legal minimum."))
        self.order_fields(OFFER_FIELDS)

    def clean_postcode(self):
        code = self.cleaned_data["postcode"].strip().replace(" ", "")
        if len(code) != 5 or not code.isdigit():
            raise forms.ValidationError(_("A French postcode has five digits."))
        return code


class RequirementForm(forms.Form):
    name = forms.CharField(label=_("Skill or software"), max_length=120, required=False)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=LEVEL_CHOICES, initial=3, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    software = forms.BooleanField(label=_("Software"), required=False)


class LanguageForm(forms.Form):
    language = forms.CharField(label=_("Language"), max_length=60, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=CEFR_CHOICES, initial="B1", required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class CredentialForm(forms.Form):
    achievement = forms.ModelChoiceField(label=_("Certification or badge"), required=False,
                                         queryset=Achievement.objects.order_by("name"))
    required = forms.BooleanField(label=_("Required"), required=False)


RequirementFormSet = formset_factory(RequirementForm, extra=2, max_num=30, validate_max=True)
LanguageFormSet = formset_factory(LanguageForm, extra=1, max_num=10, validate_max=True)
CredentialFormSet = formset_factory(CredentialForm, extra=1, max_num=10, validate_max=True)


def offer_formsets(data=None, offer: Offer | None = None):
    initial_req = initial_lang = initial_cred = None
    if offer is not None and offer.pk and data is None:
        initial_req = [{"name": r.name, "level": r.level, "required": r.required, "software": r.software}
                       for r in offer.requirements.all()]
        initial_lang = [{"language": x.language, "level": x.level, "required": x.required}
                        for x in offer.languages.all()]
        initial_cred = [{"achievement": c.achievement, "required": c.required} for c in offer.credentials.all()]
    return [
        ("req", _("Skills and software asked"), RequirementFormSet(data, prefix="req", initial=initial_req)),
        ("lang", _("Languages"), LanguageFormSet(data, prefix="lang", initial=initial_lang)),
        ("cred", _("Certifications and badges"), CredentialFormSet(data, prefix="cred", initial=initial_cred)),
    ]


def rows_of(formsets) -> dict:
    """The filled rows of the three formsets, as the services take them."""
    out = {"requirements": [], "languages": [], "credentials": []}
    by_prefix = {prefix: fs for prefix, _t, fs in formsets}
    for f in by_prefix["req"]:
        d = f.cleaned_data
        if d.get("name", "").strip() and not d.get("DELETE"):
            out["requirements"].append((d["name"].strip(), int(d.get("level") or 3), d.get("required", False),
                                        d.get("software", False)))
    for f in by_prefix["lang"]:
        d = f.cleaned_data
        if d.get("language", "").strip():
            out["languages"].append((d["language"].strip(), d.get("level") or "B1", d.get("required", False)))
    for f in by_prefix["cred"]:
        d = f.cleaned_data
        if d.get("achievement"):
            out["credentials"].append((d["achievement"], d.get("required", False)))
    return out


# --- agreements ---------------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = ["activities", "start_date", "end_date", "weekly_hours", "monthly_pay", "pay_terms",
                    "tutor_name", "tutor_role", "tutor_email", "leave_days", "absence_terms", "insurer",
                    "insurance_policy", "track", "rhythm", "contract_year", "ects_credits"]


class AgreementForm(forms.Form):
    """The terms of an agreement. The objectives are written one a line, “objective | how it is measured”; the
    rules (French law, the offer's dates, what must be written) are the services'."""

    objectives = forms.CharField(
        label=_("Learning objectives"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
        help_text=_("One a line: the objective, a vertical bar, then how it is measured — e.g. “Mix a show's front "
                    "of house alone | three shows mixed without the tutor”."))
    presence_days = forms.TypedMultipleChoiceField(label=_("Days of presence"), coerce=int, choices=WEEKDAY_CHOICES,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, instance: Agreement | None = None, referents=()):
        initial = None
        if instance is not None:
            initial = forms.models.model_to_dict(instance, fields=AGREEMENT_FIELDS)
            initial["objectives"] = "\n".join(f"{o['objective']} | {o['measure']}" for o in instance.objectives)
            initial["presence_days"] = instance.presence_days
            initial["referent"] = instance.referent_id
        super().__init__(data, initial=initial)
        self.fields.update(forms.fields_for_model(Agreement, fields=AGREEMENT_FIELDS, widgets={
            "start_date": DateInput(), "end_date": DateInput(), "activities": forms.Textarea(attrs={"rows": 4}),
            "pay_terms": forms.Textarea(attrs={"rows": 2}), "absence_terms": forms.Textarea(attrs={"rows": 2})}))
        for name in ("activities", "pay_terms", "tutor_name", "absence_terms", "insurer", "insurance_policy"):
            self.fields[name].required = False  # the services say what is missing, with the other rules
        if instance is not None and instance.kind != Kind.APPRENTICESHIP:
            for name in ("track", "rhythm", "contract_year"):
                del self.fields[name]
        self.fields["referent"] = forms.TypedChoiceField(
            label=_("School's referent teacher"), coerce=int, required=False, empty_value=None,
            choices=[("", "—")] + [(u.pk, u.get_display_name()) for u in referents])
        self.order_fields(["activities", "objectives"] + AGREEMENT_FIELDS[1:5] + ["presence_days"]
                          + AGREEMENT_FIELDS[5:] + ["referent"])

    def clean_objectives(self):
        rows = []
        for line in self.cleaned_data["objectives"].splitlines():
            if not line.strip():
                continue
            objective, _bar, measure = line.partition("|")
            rows.append({"objective": objective.strip()[:300], "measure": measure.strip()[:300]})
        if len(rows) > 20:
            raise forms.ValidationError(_("Twenty objectives at most."))
        return rows


class TutorSignForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=160)
    agree = forms.BooleanField(label=_("I have read the agreement and I sign it for the host organisation."))
