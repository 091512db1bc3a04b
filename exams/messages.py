"""Sentences for people from the pure modules (grading, prerequisites, the import parsers), no Django.

A pure module cannot call gettext (it knows nothing of the request), so it gives a ``Message``: an
English template with named parameters. The templates are marked where they are written with
``gettext_noop`` (one form) or ``ngettext_lazy`` (singular and plural) so that ``makemessages`` extracts
them into exams/locale; ``str(message)`` is the English text (tests, logs, the stable API wording) and
``exams.i18n.localize`` renders it in the viewer's language, numbers and dates included. The same
approach as ``badges.verification`` (README, "Interface languages").

A parameter may itself be a ``Message`` (translated too: a level or domain name), a number or a date
(formatted for the locale), or any other value, shown as it is (a programme name, a line of the file).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


def gettext_noop(message: str) -> str:
    """Marks a message template for translation (``makemessages`` extracts it); the identity."""
    return message


@dataclass(frozen=True)
class Plural:
    """A template with a singular and a plural form; ``count`` names the parameter that chooses."""

    singular: str
    plural: str
    count: str


def ngettext_lazy(singular: str, plural: str, count: str) -> Plural:
    """Marks a plural message template: ``makemessages`` extracts calls named ``ngettext_lazy`` as a
    singular/plural pair. Unlike Django's function of that name this one is pure: it only records both
    forms and the name of the parameter holding the number (like Django's lazy form with a key)."""
    return Plural(singular, plural, count)


@dataclass(frozen=True)
class Message:
    template: str | Plural
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        """The English text."""
        template = self.template
        if isinstance(template, Plural):
            template = template.singular if self.params.get(template.count) == 1 else template.plural
        if not self.params:
            return template
        return template % {k: english(v) for k, v in self.params.items()}


def message(template: str | Plural, **params) -> Message:
    return Message(template, params)


def english(value) -> str:
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)
