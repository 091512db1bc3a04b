"""Sentences for people written by pure modules (no Django import), translated by the pages.

A pure module (badge verification, exam grading and prerequisites, the question import parsers) cannot
call gettext: it knows nothing of the request. It gives a ``Message`` instead: an English template with
named parameters. The template is marked where it is written with ``gettext_noop`` (one form) or
``ngettext_lazy`` (singular and plural), both imported from here: ``makemessages`` extracts calls by
their name, so each template goes into the catalogue of the app whose module writes it
(``badges/locale``, ``exams/locale``). ``str(message)`` is the English text (tests, logs, the stable
wording of the APIs and commands); ``lms.templatetags.i18n_messages`` renders it in the viewer's
language (``localize`` for views and APIs, the ``localized`` filter for templates).

A parameter may be a ``Message`` (translated too: a level or domain name, a reason), a ``Timestamp``
(a date as written in a document, formatted for the locale on the pages), a number, a ``date`` or a
``datetime`` (formatted for the locale), or any other value, shown as it is (an identifier, a URL, a
programme name, a line of an uploaded file).
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


class Timestamp(str):
    """A date or dateTime parameter as written in a document: the text is the English output, ``dt`` the
    instant, which the pages format for the viewer's locale (``with_time``: date and time, else the date)."""

    dt: datetime
    with_time: bool

    def __new__(cls, text: str, dt: datetime, with_time: bool = False):
        obj = super().__new__(cls, text)
        obj.dt, obj.with_time = dt, with_time
        return obj


@dataclass(frozen=True)
class Message:
    """``template % params`` in English, translated by the pages. ``english``, when given, replaces the
    English text (a lower layer's technical wording kept for the API and the command line)."""

    template: str | Plural
    params: dict = field(default_factory=dict)
    english: str = ""

    def __str__(self) -> str:
        """The English text."""
        if self.english:
            return self.english
        template = self.template
        if isinstance(template, Plural):
            template = template.singular if self.params.get(template.count) == 1 else template.plural
        if not self.params:
            return template
        return template % {k: english_text(v) for k, v in self.params.items()}


class MessageError(ValueError):
    """An error whose reason is a ``Message``: ``raise SomeError(gettext_noop("unknown item %(id)s"), id=x)``.
    ``message`` is the ``Message`` (for the pages, in the reader's language); ``str()`` is the English text."""

    def __init__(self, template: str | Plural | Message, **params):
        self.message = template if isinstance(template, Message) else Message(template, params)
        super().__init__(str(self.message))


def message(template: str | Plural, english: str = "", /, **params) -> Message:
    """``message(gettext_noop("unknown issuer %(issuer)s"), issuer=did)``; an optional second positional
    argument is the English text that replaces the template's."""
    return Message(template, params, english)


def english_text(value) -> str:
    """A parameter in English: a ``Message``'s English text, ISO dates, Decimals without exponent."""
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)
