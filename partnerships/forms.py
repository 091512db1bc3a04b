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


class InvitationSignupForm(forms.Form):
    """Creating one's student account from a cohort invitation (the e-mail is the invited address)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        from django.contrib.auth import get_user_model, password_validation

        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            user = get_user_model()(email=self.email, first_name=data.get("first_name", ""),
                                    last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
