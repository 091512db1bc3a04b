#!/bin/sh
# Extract the French catalogue of partnerships AND of the dashboards (lms/dashboards, lms/templates/dashboards),
# which are merged into partnerships/locale (lms.dashboards is not an installed app with its own locale).
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export DJANGO_SETTINGS_MODULE=lms.settings PYTHONPATH=$ROOT
ADMIN=$ROOT/.venv/bin/django-admin
STAGE=$(mktemp -d)
mkdir -p "$STAGE/src/dashboards" "$STAGE/src/templates" "$STAGE/src/locale"
cp -r "$ROOT/partnerships" "$STAGE/src/partnerships"
rm -rf "$STAGE/src/partnerships/locale"
cp "$ROOT"/lms/dashboards/*.py "$STAGE/src/dashboards/"
cp -r "$ROOT/lms/templates/dashboards" "$STAGE/src/templates/"
mkdir -p "$STAGE/src/locale/fr/LC_MESSAGES"
[ -f "$ROOT/partnerships/locale/fr/LC_MESSAGES/django.po" ] && cp "$ROOT/partnerships/locale/fr/LC_MESSAGES/django.po" "$STAGE/src/locale/fr/LC_MESSAGES/"
(cd "$STAGE/src" && $ADMIN makemessages -l fr --no-location --no-obsolete >/dev/null)
mkdir -p "$ROOT/partnerships/locale/fr/LC_MESSAGES"
cp "$STAGE/src/locale/fr/LC_MESSAGES/django.po" "$ROOT/partnerships/locale/fr/LC_MESSAGES/django.po"
rm -rf "$STAGE"
echo "partnerships/locale/fr/LC_MESSAGES/django.po updated; fill msgstr then run compilemessages in partnerships/"
