"""Where an offer is, seen from where a student lives: French departments and regions from postcodes, European
countries. Pure data and functions (no Django import); used by ``careers.matching``.

A French postcode's department is its first two digits (Corsica: 20000–20199 → 2A, 20200–20699 → 2B; overseas:
the first three digits, 971–976). Regions are the 18 of the 2016 reform (13 in metropolitan France, 5 overseas).
"""
from __future__ import annotations

# region code -> departments
REGIONS = {
    "ARA": "01 03 07 15 26 38 42 43 63 69 73 74",  # Auvergne-Rhône-Alpes
    "BFC": "21 25 39 58 70 71 89 90",  # Bourgogne-Franche-Comté
    "BRE": "22 29 35 56",  # Bretagne
    "CVL": "18 28 36 37 41 45",  # Centre-Val de Loire
    "COR": "2A 2B",  # Corse
    "GES": "08 10 51 52 54 55 57 67 68 88",  # Grand Est
    "HDF": "02 59 60 62 80",  # Hauts-de-France
    "IDF": "75 77 78 91 92 93 94 95",  # Île-de-France
    "NOR": "14 27 50 61 76",  # Normandie
    "NAQ": "16 17 19 23 24 33 40 47 64 79 86 87",  # Nouvelle-Aquitaine
    "OCC": "09 11 12 30 31 32 34 46 48 65 66 81 82",  # Occitanie
    "PDL": "44 49 53 72 85",  # Pays de la Loire
    "PAC": "04 05 06 13 83 84",  # Provence-Alpes-Côte d'Azur
    "GUA": "971", "MTQ": "972", "GUF": "973", "LRE": "974", "MAY": "976",
}
REGION_OF = {dept: region for region, depts in REGIONS.items() for dept in depts.split()}

# EU, EEA, Switzerland and the United Kingdom ("Europe" in a student's mobility)
EUROPE = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO CH GB".split())

LOCAL, REGIONAL, NATIONAL, EUROPE_ZONE, INTERNATIONAL = "local", "regional", "national", "europe", "international"
ZONES = (LOCAL, REGIONAL, NATIONAL, EUROPE_ZONE, INTERNATIONAL)


def department(postcode: str, country: str = "FR") -> str:
    """The department of a French postcode ("75011" -> "75", "20090" -> "2A", "97400" -> "974"); "" otherwise."""
    code = (postcode or "").strip().replace(" ", "")
    if country != "FR" or len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def region(postcode: str, country: str = "FR") -> str:
    return REGION_OF.get(department(postcode, country), "")


def smallest_zone(home_postcode: str, home_country: str, postcode: str, country: str) -> str | None:
    """The smallest mobility zone, seen from home, that contains the place; None when home is unknown."""
    home_dept = department(home_postcode, home_country)
    if not home_country or (home_country == "FR" and not home_dept):
        return None
    if country == home_country == "FR":
        dept = department(postcode, country)
        if dept and dept == home_dept:
            return LOCAL
        if dept and REGION_OF.get(dept) == REGION_OF.get(home_dept):
            return REGIONAL
        return NATIONAL
    if country == home_country:
        return NATIONAL
    if country in EUROPE and home_country in EUROPE:
        return EUROPE_ZONE
    return INTERNATIONAL


def within(mobility: str, zone: str) -> bool:
    """A student whose mobility is ``mobility`` accepts a place in ``zone`` (zones nest: local ⊂ … ⊂ international)."""
    if mobility not in ZONES or zone not in ZONES:
        return False
    return ZONES.index(zone) <= ZONES.index(mobility)
