"""Admin form of a course page: the assessment scheme must be valid for the scoring engine."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from lms import scoring


class CoursePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("assessment_components") if hasattr(self, "formsets") else None
        if formset is None or not formset.is_valid():
            return cleaned
        rows = []
        for f in formset.forms:
            data = getattr(f, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            rows.append((data.get("key"), data.get("label"), data.get("weight") or Decimal(0)))
        total = sum((r[2] for r in rows), Decimal(0))
        if rows and total != 100:
            raise forms.ValidationError(_("The weights must sum to 100 %%; they sum to %(sum)s %%.")
                                        % {"sum": f"{total.normalize():f}"})
        if rows:
            try:
                scoring.Scheme.of(rows, cleaned.get("pass_mark") if cleaned.get("pass_mark") is not None else 0)
            except scoring.SchemeError as exc:
                raise forms.ValidationError(_("Assessment scheme: %(reason)s") % {"reason": exc})
        return cleaned
