from django import template
from django.utils import translation
from django.utils.formats import number_format

from lms.scoring import round_half_up

register = template.Library()


@register.filter
def pct(value):
    """A percentage for display: one decimal, half-up, localised ("75,0" in French)."""
    if value is None or value == "":
        return "—"
    return number_format(round_half_up(value, 1), 1, use_l10n=True)


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def tr(obj, base):
    from exams.models import tr as _tr

    return _tr(obj, base, (translation.get_language() or "fr")[:2])


@register.filter
def strid(value):
    return str(value)


@register.filter
def twenty(value):
    """The same percentage as a French mark out of 20 (one decimal, half-up)."""
    from lms.scoring import to_twenty

    if value is None or value == "":
        return "—"
    return number_format(round_half_up(to_twenty(value), 1), 1, use_l10n=True)



@register.filter
def qtype_label(qtype):
    """A question type for people ("Choix unique"), from its code ("single")."""
    from exams.models import QuestionType

    return QuestionType(qtype).label if qtype in QuestionType.values else qtype
