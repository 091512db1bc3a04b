from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format

from lms import scoring

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def hours(value):
    """8.0 -> "8h", 1.5 -> "1,5h" (one decimal at most, half-up, the language's decimal separator)."""
    if value is None:
        return ""
    tenths = scoring.round_half_up(Decimal(value), 1)
    if tenths == tenths.to_integral_value():
        return f"{int(tenths)}h"
    return f"{tenths}h".replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def pct_int(value):
    """Progress percentage for a CSS width / aria value (integer, 0-100)."""
    try:
        return int(Decimal(value).quantize(Decimal(1)))
    except Exception:  # noqa: BLE001
        return 0


@register.filter
def pct1(value):
    """A score, one decimal half-up (display only)."""
    if value is None:
        return "—"
    return floatformat(scoring.round_half_up(value, 1), 1)


@register.filter
def twenty(value):
    if value is None:
        return "—"
    return floatformat(scoring.round_half_up(scoring.to_twenty(value), 1), 1)
