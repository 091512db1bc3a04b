"""Field validators shared by the profile models and forms."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 1950, 2100


def validate_year(value):
    if value is None:
        return
    if not (MIN_YEAR <= value <= MAX_YEAR):
        raise ValidationError(
            _("Enter a year between %(min)s and %(max)s."), code="year_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )


def validate_upload_size(f):
    limit = getattr(settings, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    size = getattr(f, "size", 0) or 0
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."), code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
