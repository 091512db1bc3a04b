"""Parsing and validating a cohort enrolment CSV (no database access; messages are translated).

Decoding: UTF-8 (with or without BOM) first, then Windows-1252 (what French Excel exports), then
Latin-1 (never fails). Delimiter: comma or semicolon (sniffed from the header line).
Columns: e-mail (required), first name, last name (required for people new to the platform);
French headers are accepted ("e-mail", "courriel", "prénom", "nom").
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")

# canonical column -> accepted header spellings (compared without accents, case, spaces, "-", "_")
COLUMNS = {
    "email": {"email", "mail", "courriel", "adressemail", "adresseemail", "emailaddress"},
    "first_name": {"firstname", "prenom", "givenname"},
    "last_name": {"lastname", "nom", "surname", "familyname", "nomdefamille"},
}
REQUIRED = ("email", "first_name", "last_name")


class ImportRefused(ValueError):
    """The whole file is refused (encoding, size, missing columns) — nothing is imported."""


@dataclass
class Row:
    line: int
    email: str
    first_name: str
    last_name: str
    errors: list[str] = field(default_factory=list)
    # filled by the service when matching existing users: "new" | "existing" | "member"
    status: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used)."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The file could not be decoded."))  # unreachable: latin-1 decodes anything


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[\s\-_.'’]", "", text)


def map_header(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _key(name)
        for column, spellings in COLUMNS.items():
            if key in spellings and column not in found:
                found[column] = index
    return found


def _csv_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return _("a field is longer than %(limit)s characters") % {"limit": f"{csv.field_size_limit():,}"}
    return _("the CSV is malformed")


def count_lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def parse(data: bytes, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> tuple[list[Row], str]:
    """Parse and check every row. Raises ImportRefused for file-level problems; row problems are
    listed on each Row (errors). Returns (rows, encoding)."""
    if not data or not data.strip():
        raise ImportRefused(_("The file is empty."))
    if len(data) > max_bytes:
        raise ImportRefused(
            _("The file is too large (%(size)s KB); the limit is %(limit)s KB and %(max)s students per import. "
              "Split it into several files.") % {"size": len(data) // 1024, "limit": max_bytes // 1024, "max": max_rows}
        )
    text, encoding = decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) - 1 > max_rows:
        raise ImportRefused(
            _("The file has %(rows)s rows; the limit is %(max)s students per import. Split it into several files.")
            % {"rows": len(lines) - 1, "max": max_rows}
        )
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportRefused(_("The first line could not be read: %(reason)s.") % {"reason": _csv_reason(exc)}) from None
    columns = map_header(header)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportRefused(
            _("Missing column(s): %(columns)s. The first line must name the columns email, first_name, "
              "last_name (or e-mail, prénom, nom).") % {"columns": ", ".join(missing)}
        )
    rows: list[Row] = []
    seen: dict[str, int] = {}
    line_no = 1
    while True:
        line_no += 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit(): this row only
            row = Row(line=line_no, email="", first_name="", last_name="")
            row.errors.append(_("This line could not be read: %(reason)s.") % {"reason": _csv_reason(exc)})
            rows.append(row)
            continue

        def get(column, values=values):
            i = columns[column]
            return values[i].strip() if i < len(values) else ""

        row = Row(line=line_no, email=get("email").lower(), first_name=get("first_name"), last_name=get("last_name"))
        if not row.email:
            row.errors.append(_("E-mail is missing."))
        elif not EMAIL_RE.match(row.email) or len(row.email) > 254:
            row.errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": row.email})
        elif row.email in seen:
            row.errors.append(_("Duplicate e-mail: already on line %(line)s.") % {"line": seen[row.email]})
        else:
            seen[row.email] = line_no
        if len(row.first_name) > 150 or len(row.last_name) > 150:
            row.errors.append(_("Name too long (150 characters at most)."))
        rows.append(row)
    if not rows:
        raise ImportRefused(_("The file has a header but no student rows."))
    return rows, encoding
