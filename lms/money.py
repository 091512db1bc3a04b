"""Money and large numbers for people, in the reader's language: one place for every page, PDF and message.

Amounts are Decimal euros (DESIGN §4). French writes the symbol after the number with a non-breaking space and a
decimal comma ("149,00 €", "12 500 €"); English writes it before ("€149.00", "€12,500"). The pattern is a
translated string, the number Django's localized formatting.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import pgettext


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def localized_number(value, places: int | None = None) -> str:
    """A number in the active language with its grouping ("12 500,5" / "12,500.5"); ``places`` decimals
    (rounded half up), or as many as it has (trailing zeros dropped) when None."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if places is None:
        amount = amount.normalize()
        if amount == amount.to_integral():
            amount = amount.quantize(Decimal(1))
        return number_format(amount, use_l10n=True, force_grouping=True)
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_money(value, places: int = 2) -> str:
    """``value`` euros for the active language: "149,00 €" in French, "€149.00" in English ("—" for nothing)."""
    if _decimal(value) is None:
        return "—"
    return pgettext("an amount of money in euros", "€%(amount)s") % {"amount": localized_number(value, places)}


def format_kilo_money(value) -> str:
    """Thousands of euros, rounded: "12 k€" in French, "€12k" in English."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return pgettext("thousands of euros", "€%(amount)sk") % {"amount": localized_number(amount / 1000, 0)}


def short_number(value) -> str:
    """A chart axis label: 1,5 M / 12,5 k in French, 1.5M / 12.5k in English."""
    amount = _decimal(value) or Decimal(0)
    if abs(amount) >= 1_000_000:
        return pgettext("a number in millions", "%(n)sM") % {"n": localized_number(amount / 1_000_000)}
    if abs(amount) >= 1000:
        return pgettext("a number in thousands", "%(n)sk") % {"n": localized_number(amount / 1000)}
    return localized_number(amount)
