from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .csv_import import MAX_ROWS
from .models import Cohort, Programme, Tier


class TierForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["code", "name", "rank", "annual_fee", "entitlements"]
        widgets = {"entitlements": forms.CheckboxSelectMultiple}


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["programme", "graduation_year", "label"]

    def __init__(self, *args, school_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Programme.objects.select_related("school")
        if school_ids is not None:
            qs = qs.filter(school_id__in=school_ids)
        self.fields["programme"].queryset = qs


class EnrolForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=format_lazy(
            _("Columns: email, first_name, last_name (or e-mail, prénom, nom); comma or semicolon; "
              "UTF-8 or Windows (Latin-1) encoding; at most {max} students per file."), max=MAX_ROWS),
    )


class TransitionForm(forms.Form):
    target = forms.CharField(max_length=20)
