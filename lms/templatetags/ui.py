"""Template filters for styling without inline style attributes (the CSP forbids them): a percentage
becomes one of the classes of lms/static/lms/css/widths.css. Registered as a template builtin."""
from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _percent(value) -> int:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        return 0
    if not number.is_finite():
        return 0
    return max(0, min(100, int(number.quantize(Decimal(1)))))


@register.filter
def w_class(value) -> str:
    """`w-N`: width N % (0–100, rounded, clamped)."""
    return f"w-{_percent(value)}"


@register.filter
def pct_class(value) -> str:
    """`pct-N`: sets the CSS variable --pct to N (0–100)."""
    return f"pct-{_percent(value)}"
