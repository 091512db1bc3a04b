"""Seed the legal rate tables from careers/legal_data.py (each row with its source) and the brief's
apprenticeship programme. Idempotent; later rows are added by Flow Stage staff in the admin."""
from django.db import migrations


def seed(apps, schema_editor):
    from careers import legal_data, programme_data

    legal_data.seed(apps.get_model("careers", "InternshipRate"), apps.get_model("careers", "SmicRate"),
                    apps.get_model("careers", "ApprenticePayRate"))
    Programme = apps.get_model("careers", "ApprenticeshipProgramme")
    Programme.objects.update_or_create(code=programme_data.PROGRAMME["code"], defaults=programme_data.PROGRAMME)


class Migration(migrations.Migration):
    dependencies = [("careers", "0001_offers_applications_rates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
