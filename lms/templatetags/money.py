"""``{% load money %}``: ``{{ price|money }}`` ("149,00 €" / "€149.00"), ``{{ total|money:0 }}`` (whole euros),
``{{ n|number }}`` (a localized number with grouping). See lms/money.py."""
from django import template

from lms.money import format_money, localized_number

register = template.Library()


@register.filter
def money(value, places=2):
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 2
    return format_money(value, places)


@register.filter
def number(value, places=None):
    if places in (None, ""):
        return localized_number(value)
    try:
        return localized_number(value, int(places))
    except (TypeError, ValueError):
        return localized_number(value)
