"""Badges texts in the viewer's language: verification messages (the one place where ``badges.verification``'s
message templates are translated, ``gettext(template) % params``, and its dates formatted for the locale) and
achievement names."""
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from badges.verification import Message, Timestamp

register = template.Library()


def localize(value) -> str:
    """A ``Message`` translated into the active language, a ``Timestamp`` formatted for it; other values as
    text. The result is plain text (templates escape it: parameters come from untrusted uploads)."""
    if value is None:
        return ""
    if isinstance(value, Timestamp):
        moment = timezone.localtime(value.dt)
        return date_format(moment, "DATETIME_FORMAT" if value.with_time else "DATE_FORMAT")
    if isinstance(value, Message):
        text = gettext(value.template)
        if not value.params:
            return text
        return text % {k: localize(v) if isinstance(v, (Message, Timestamp)) else v for k, v in value.params.items()}
    return str(value)


@register.filter
def localized(value) -> str:
    """``{{ check.message|localized }}``: see ``localize``."""
    return localize(value)


@register.filter
def achievement_text(achievement, field="name") -> str:
    """``{{ cred.achievement|achievement_text:"name" }}``: the achievement's text in the active language (its French
    version on French pages when there is one, else the signed text): see ``Achievement.text``."""
    if achievement is None:
        return ""
    return achievement.text(field)
