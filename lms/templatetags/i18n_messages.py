"""The one place where the ``lms.messages.Message``s of the pure modules are put into the viewer's language:
``gettext``/``ngettext`` of the template (found in the catalogue of the app that marked it: Django merges
them all), numbers and dates formatted for the active locale.

Views and APIs call ``localize``; templates ``{% load i18n_messages %}`` and use ``{{ value|localized }}``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext

from lms.messages import Message, Plural, Timestamp

register = template.Library()


def localize(value) -> str:
    """A ``Message`` in the active language, with its parameters localised (see ``lms.messages``); any
    other value as a parameter would be. The result is plain text: templates escape it (parameters come
    from uploaded files and credentials)."""
    if value is None:
        return ""
    if isinstance(value, Message):
        template = value.template
        if isinstance(template, Plural):
            text = ngettext(template.singular, template.plural, int(value.params.get(template.count) or 0))
        else:
            text = gettext(template)
        if not value.params:
            return text
        return text % {k: localize(v) for k, v in value.params.items()}
    if isinstance(value, Timestamp):
        return date_format(timezone.localtime(value.dt), "DATETIME_FORMAT" if value.with_time else "DATE_FORMAT")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return number_format(value, use_l10n=True)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                           "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


@register.filter
def localized(value) -> str:
    """``{{ check.message|localized }}``: see ``localize``."""
    return localize(value)
