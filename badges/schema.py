"""Conformance of issued credentials with the official 1EdTech Open Badges 3.0 AchievementCredential JSON Schema.

Pure (no Django). The schema is bundled (``badges/schemas/``, see its README for the source, version and licence)
and read once; nothing is fetched: the schema's only ``$ref`` are to its own ``$defs``. ``errors`` lists every
violation as ``"<path>: <message>"``; ``check`` raises ``SchemaViolation`` with all of them.

``settings.BADGES_SCHEMA_CHECK`` (on in the test suite, ``BADGES_SCHEMA_CHECK=1`` elsewhere) makes the issuance
service check every credential it signs and fail loudly when one does not conform.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
ACHIEVEMENT_CREDENTIAL_SCHEMA = SCHEMA_DIR / "ob_v3p0_achievementcredential_schema.json"
#: SHA-256 of the bundled file, as downloaded (tests check it: an edit to the official schema is caught).
ACHIEVEMENT_CREDENTIAL_SHA256 = "859e405b592d93c3261fe899362f4128801140d4d20c01502a066b3540483d95"
MAX_ERRORS = 20


class SchemaViolation(AssertionError):
    """A credential the platform signed does not conform to the OB 3.0 AchievementCredential schema."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("credential does not conform to the OB 3.0 AchievementCredential JSON Schema: "
                         + "; ".join(problems))


@functools.lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft201909Validator

    schema = json.loads(ACHIEVEMENT_CREDENTIAL_SCHEMA.read_bytes())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def bundled_sha256() -> str:
    return hashlib.sha256(ACHIEVEMENT_CREDENTIAL_SCHEMA.read_bytes()).hexdigest()


def _where(error) -> str:
    return "/" + "/".join(str(p) for p in error.absolute_path) if error.absolute_path else "(document)"


def errors(document) -> list[str]:
    """Every violation of the schema by ``document`` (a parsed JSON value), at most ``MAX_ERRORS``; [] if none."""
    found = sorted(_validator().iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{_where(e)}: {e.message}"[:500] for e in found[:MAX_ERRORS]]


def conforms(document) -> bool:
    return _validator().is_valid(document)


def check(document) -> None:
    """Raise ``SchemaViolation`` when ``document`` does not conform."""
    problems = errors(document)
    if problems:
        raise SchemaViolation(problems)
