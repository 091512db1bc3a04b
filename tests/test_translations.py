"""Every French catalogue in the repository is complete (no empty, no fuzzy entry) and compiled."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "node_modules" not in p.parts
)


def test_there_are_catalogues():
    assert (ROOT / "locale/fr/LC_MESSAGES/django.po") in CATALOGUES


def _entries(po: Path):
    """Yield (msgid, msgstr list, flags) of each entry of a .po file (a small parser: enough for checks)."""
    entry = {"flags": set(), "msgid": None, "msgstr": {}}
    field = None

    def flush():
        if entry["msgid"] is not None:
            yield entry

    for raw in po.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            yield from flush()
            entry, field = {"flags": set(), "msgid": None, "msgstr": {}}, None
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field = ("plural", None)
        elif line.startswith("msgid "):
            entry["msgid"] = _unquote(line[6:])
            field = ("msgid", None)
        elif line.startswith("msgstr["):
            idx = line[7:line.index("]")]
            entry["msgstr"][idx] = _unquote(line[line.index("]") + 2:])
            field = ("msgstr", idx)
        elif line.startswith("msgstr "):
            entry["msgstr"]["0"] = _unquote(line[7:])
            field = ("msgstr", "0")
        elif line.startswith('"') and field:
            kind, idx = field
            if kind == "msgid":
                entry["msgid"] += _unquote(line)
            elif kind == "msgstr":
                entry["msgstr"][idx] += _unquote(line)


def _unquote(s: str) -> str:
    s = s.strip()
    return s[1:-1] if s.startswith('"') and s.endswith('"') else s


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_complete_and_compiled(po):
    empty, fuzzy = [], []
    for e in _entries(po):
        if e["msgid"] == "":
            continue  # header
        if "fuzzy" in e["flags"]:
            fuzzy.append(e["msgid"])
        if not e["msgstr"] or any(v == "" for v in e["msgstr"].values()):
            empty.append(e["msgid"])
    assert not fuzzy, f"fuzzy entries in {po}: {fuzzy[:10]}"
    assert not empty, f"untranslated entries in {po}: {empty[:10]}"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    # up to date: compared entry by entry below (file times say nothing after a checkout or a merge)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_po(po):
    """Re-compile in memory and compare with the .mo on disk (catches a stale .mo with a fresh mtime)."""
    import gettext
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)
        with fresh.open("rb") as f1, po.with_suffix(".mo").open("rb") as f2:
            a, b = gettext.GNUTranslations(f1), gettext.GNUTranslations(f2)
    assert a._catalog == b._catalog, f"{po.with_suffix('.mo')} does not match {po}: run compilemessages"
