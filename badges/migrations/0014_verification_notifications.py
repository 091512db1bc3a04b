"""PostgreSQL only: every statement that changes what a verification reads notifies ``badges.changes.CHANNEL`` (at
commit). Nothing on SQLite, where the resolver reads everything at every verification."""
from django.db import migrations

CHANNEL = "badges_verification"  # badges.changes.CHANNEL (a migration does not import app code)

# table -> the events whose statements notify. Inserting a credential, a wallet copy or a log entry does not: the
# resolver keeps only their rows it found, never that one is missing.
TRIGGERS = {
    "badges_signingkey": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "badges_statuslist": "INSERT OR UPDATE OF signed_json OR DELETE OR TRUNCATE",
    "badges_treehead": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "badges_credential": "UPDATE OF issued_at OR DELETE OR TRUNCATE",
    "badges_holdercopy": "UPDATE OF issued_at OR DELETE OR TRUNCATE",
    "badges_logentry": "UPDATE OR DELETE OR TRUNCATE",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION badges_notify_verification() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$")
    for table, events in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {table}_notify_verification AFTER {events} ON {table} "
                              "FOR EACH STATEMENT EXECUTE FUNCTION badges_notify_verification()")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_notify_verification ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS badges_notify_verification()")


class Migration(migrations.Migration):

    dependencies = [
        ("badges", "0013_holder_copy_replacement"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
