"""The brief's apprenticeship programme (§2.3) as data: seeded by migration 0002, editable in the admin."""
from decimal import Decimal

PROGRAMME = {
    "code": "flow-stage-alternance",
    "name": "Programme alternance Flow Stage",
    "name_en": "Flow Stage apprenticeship programme",
    "duration_months": 12,
    "school_days": 2,
    "company_days": 3,
    "floor_monthly_pay": Decimal("800.00"),
    "description": ("12 mois en alternance école / entreprise (2 jours école, 3 jours entreprise, selon le "
                    "calendrier de l'école). Spécialisations : Tech, Business Dev, Operations, Creative. Rémunération "
                    "d'au moins 800 €/mois, et jamais sous le minimum légal de l'apprenti (Code du travail D6222-26). "
                    "Débouchés : CDI prioritaire chez Flow Stage ou ses partenaires."),
}
