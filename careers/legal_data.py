"""French legal rates as dated data, each with its source. Pure data (no Django import).

These rows seed the rate tables (``careers.models.InternshipRate``, ``SmicRate``, ``ApprenticePayRate``) through the
migration ``0002_legal_rates``; Flow Stage staff add next year's rows in the admin when they are published (the
latest row in force applies to later dates, and the pages say which row they used). The rules that use them are
stated in ``careers/law.py``.

Checked on 2026-11-30 against the sources named below (figures for 2027 were not published yet).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

# --- Internship gratification (Code de l'éducation L124-6, D124-8) ---------------------------------------------
# Minimum = 15 % of the hourly social-security ceiling (plafond horaire de la sécurité sociale) per hour of presence.
# (valid from, hourly ceiling €, percent, source, source URL)
INTERNSHIP_RATES = [
    (date(2024, 1, 1), Decimal("29.00"), Decimal("15.00"),
     "Code de l'éducation L124-6 et D124-8 ; plafond horaire de la sécurité sociale 2024 : 29 € "
     "(arrêté du 19 décembre 2023, JO du 29 décembre 2023) → 4,35 €/h",
     "https://bpifrance-creation.fr/entrepreneur/actualites/augmentation-gratification-stagiaires-2024"),
    (date(2025, 1, 1), Decimal("29.00"), Decimal("15.00"),
     "Code de l'éducation L124-6 et D124-8 ; plafond horaire de la sécurité sociale 2025 : 29 € "
     "(plafond mensuel 2025 : 3 925 €, inchangé pour l'horaire) → 4,35 €/h",
     "https://perrotetguingand.fr/cabinet-comptable/actualites-publications/quelques-changements-de-taux-en-janvier-2025.html"),
    (date(2026, 1, 1), Decimal("30.00"), Decimal("15.00"),
     "Code de l'éducation L124-6 et D124-8 ; plafond de la sécurité sociale 2026 : 4 005 €/mois, 220 €/jour "
     "(arrêté du 22 décembre 2025, JORF n° 0300 du 23 décembre 2025), plafond horaire 30 € (BOSS, 21 octobre 2025) "
     "→ 4,50 €/h",
     "https://maine-et-loire.cerfrance.fr/actualites/quelques-chiffres-utiles-en-paie-au-1er-janvier-2026"),
]

# --- SMIC (Code du travail L3231-2 ; revalued by decree) ---------------------------------------------------------
# (valid from, hourly gross €, monthly gross € for 35 h a week, source, source URL)
SMIC_RATES = [
    (date(2024, 1, 1), Decimal("11.65"), Decimal("1766.92"),
     "SMIC au 1er janvier 2024 : 11,65 €/h, 1 766,92 €/mois pour 35 h (montants que relève le décret "
     "n° 2024-951 du 23 octobre 2024)",
     "https://www.cdg2b.com/flash-info-n08-2024-revalorisation-du-smic-au-1er-novembre-2024-et-versement-dune-indemnite-differentielle/"),
    (date(2024, 11, 1), Decimal("11.88"), Decimal("1801.80"),
     "Décret n° 2024-951 du 23 octobre 2024 portant relèvement du salaire minimum de croissance (JO du 24 octobre "
     "2024) : 11,88 €/h, 1 801,80 €/mois pour 35 h au 1er novembre 2024",
     "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000050392683/"),
    (date(2026, 1, 1), Decimal("12.02"), Decimal("1823.03"),
     "Décret portant relèvement du salaire minimum de croissance présenté au Conseil des ministres du "
     "17 décembre 2025 : +1,18 % au 1er janvier 2026, 12,02 €/h, 1 823,03 €/mois pour 35 h",
     "https://www.vie-publique.fr/discours/301401-conseil-171220025-relevement-du-salaire-minimum-de-croissance"),
]

# --- Apprentice minimum pay (Code du travail D6222-26, D6222-27 for under 16) --------------------------------------
# Percent of the SMIC by age band and year of execution of the contract (décret du 28 décembre 2018,
# unchanged since). From 21, the conventional minimum of the job applies when it is higher.
APPRENTICE_SOURCE = ("Code du travail D6222-26 (décret du 28 décembre 2018) ; moins de 16 ans : "
                     "D6222-27 (même taux que 16–17 ans)")
APPRENTICE_SOURCE_URL = "https://www.cma35.bzh/crma-bretagne/r%C3%A9mun%C3%A9rer-un-apprenti"
APPRENTICE_VALID_FROM = date(2019, 1, 1)
# (age from, age to or None, [% year 1, % year 2, % year 3])
APPRENTICE_BANDS = [
    (0, 17, [Decimal("27"), Decimal("39"), Decimal("55")]),
    (18, 20, [Decimal("43"), Decimal("51"), Decimal("67")]),
    (21, 25, [Decimal("53"), Decimal("61"), Decimal("78")]),
    (26, None, [Decimal("100"), Decimal("100"), Decimal("100")]),
]


def apprentice_rows():
    """(valid from, age from, age to, contract year, percent, source, source URL) of every band."""
    for age_from, age_to, percents in APPRENTICE_BANDS:
        for year, percent in enumerate(percents, start=1):
            yield APPRENTICE_VALID_FROM, age_from, age_to, year, percent, APPRENTICE_SOURCE, APPRENTICE_SOURCE_URL


def seed(internship_rate_model, smic_rate_model, apprentice_rate_model) -> None:
    """Write every row above into the three tables (idempotent). Takes the model classes, so that the data
    migration passes its historical models and ``careers.services.seed_legal_rates`` the current ones."""
    for valid_from, ceiling, percent, source, url in INTERNSHIP_RATES:
        internship_rate_model.objects.update_or_create(valid_from=valid_from, defaults={
            "hourly_ceiling": ceiling, "percent": percent, "source": source, "source_url": url})
    for valid_from, hourly, monthly, source, url in SMIC_RATES:
        smic_rate_model.objects.update_or_create(valid_from=valid_from, defaults={
            "hourly": hourly, "monthly": monthly, "source": source, "source_url": url})
    for valid_from, age_from, age_to, year, percent, source, url in apprentice_rows():
        apprentice_rate_model.objects.update_or_create(
            valid_from=valid_from, age_from=age_from, contract_year=year,
            defaults={"age_to": age_to, "percent": percent, "source": source, "source_url": url})
