"""Personal data: what the platform holds about a person (export) and what erasure does (anonymise).

One registry, here at the bottom of the import chain; each app registers an exporter and an anonymiser for
its OWN models from its `personal_data.py`, imported by its AppConfig.ready, so imports keep pointing down
(lms.accounts never imports partnerships, courses, exams, badges or careers).

- `export(user)` gathers every section into one JSON-safe dict: the machine-readable download and the
  readable page are both drawn from it (lms/accounts/views_personal_data.py).
- `erase(user)` runs every anonymiser, last registered first (careers before badges before exams …, the
  accounts section last), in one transaction: all or nothing. The User row itself is kept, anonymised
  (e-mail, names, password, roles), because the records below keep pointing to it; nothing is deleted that
  the law or the school's records require. Each section says what it keeps and why (`retained`), shown to
  the student before they ask and to the staff who carry it out; README, "Personal data", lists them.

Erasure, not deletion: a person who holds a credential, or whose marks are school records, cannot be deleted
(the database protects those rows); their account is erased instead (`ErasureRequest`, audited).
"""
from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

FORMAT = "flowstage-personal-data/1"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: a domain that can never receive mail


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy translation
    export: Callable  # user -> JSON-safe dict or list
    anonymise: Callable  # user -> dict of counts (what was done), for the audit
    retained: object = ""  # what is kept after erasure and why (lazy translation)
    order: int = 100


_REGISTRY: dict[str, Section] = {}


def register(key: str, *, title, export: Callable, anonymise: Callable, retained="", order: int = 100) -> None:
    """Called once per section by each app's personal_data module (idempotent: a second call replaces)."""
    _REGISTRY[key] = Section(key=key, title=title, export=export, anonymise=anonymise, retained=retained,
                             order=order)


def sections() -> list[Section]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


# ------------------------------------------------------------------------------------------ serialising
def value(v):
    """A JSON-safe value: Decimals as strings (never floats), dates in ISO 8601, files as their names."""
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime | datetime.date | datetime.time):
        return v.isoformat()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set):
        return [value(x) for x in v]
    if hasattr(v, "name") and hasattr(v, "storage"):  # a FieldFile
        return v.name or None
    return str(v)


def row(obj: models.Model, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> dict:
    """One model instance as a dict of its concrete fields (foreign keys as ids, choices with their label)."""
    out = {}
    skip = set(exclude)
    for f in obj._meta.concrete_fields:
        if (fields is not None and f.name not in fields) or f.name in skip:
            continue
        raw = getattr(obj, f.attname)
        out[f.name] = value(raw)
        if f.choices and raw not in (None, ""):
            display = getattr(obj, f"get_{f.name}_display", None)
            if display is not None:
                out[f"{f.name}_label"] = str(display())
    return out


def rows(qs, fields=None, exclude=()) -> list[dict]:
    return [row(o, fields, exclude) for o in qs]


def purge_history(model, pks) -> int:
    """Remove the django-simple-history versions of rows whose content is erased (a kept old version, or the
    version written when a row is deleted, would keep the erased text). The audit of the erasure itself is
    the ErasureRequest's history."""
    history = getattr(model, "history", None)
    pks = list(pks)
    if history is None or not pks:
        return 0
    return history.filter(id__in=pks).delete()[0]


def delete_with_history(qs) -> int:
    """Delete the rows of `qs` and every version of them (including the one written by the deletion)."""
    pks = list(qs.values_list("pk", flat=True))
    count = qs.model.objects.filter(pk__in=pks).delete()[1].get(qs.model._meta.label, 0) if pks else 0
    purge_history(qs.model, pks)
    return count


# ------------------------------------------------------------------------------------------ use-cases
def export(user) -> dict:
    """Everything the platform holds about `user`, section by section, JSON-safe."""
    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "subject": {"id": user.pk, "email": user.email},
        "sections": [
            {"key": s.key, "title": str(s.title), "retained_after_erasure": str(s.retained), "data": s.export(user)}
            for s in sections()
        ],
    }


@dataclass
class ErasureResult:
    done: dict = field(default_factory=dict)  # section key -> counts


def erase(user) -> ErasureResult:
    """Anonymise `user` everywhere, all sections in one transaction (a failure leaves nothing half-erased).
    Higher apps first, the account last (its anonymiser changes the e-mail others may still read)."""
    result = ErasureResult()
    with transaction.atomic():
        for s in reversed(sections()):
            result.done[s.key] = value(s.anonymise(user) or {})
    return result


def erased_email(user) -> str:
    return f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"


def is_erased(user) -> bool:
    return (user.email or "").endswith("@" + ERASED_EMAIL_DOMAIN)


# ------------------------------------------------------------------------------------------ this app's section
def _profile_row_models():
    from .models import _ProfileRow

    return [m for m in _ProfileRow.__subclasses__() if not m._meta.abstract]


def _export_account(user) -> dict:
    from .models import ApiToken, Connection, ErasureRequest, PeerReview, ReadinessSnapshot, StudentProfile

    out = {
        "account": row(user, exclude=("password",)),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "api_tokens": rows(ApiToken.objects.filter(user=user), exclude=("key_hash",)),
        "profile": None,
        "peer_reviews_received": rows(PeerReview.objects.filter(student=user)),
        "peer_reviews_given": rows(PeerReview.objects.filter(reviewer=user)),
        "connections": [c.user_high_id if c.user_low_id == user.pk else c.user_low_id
                        for c in Connection.objects.filter(models.Q(user_low=user) | models.Q(user_high=user))],
        "readiness_snapshots": rows(ReadinessSnapshot.objects.filter(user=user)),
        "erasure_requests": rows(ErasureRequest.objects.filter(user=user), exclude=("summary",)),
    }
    profile = StudentProfile.objects.filter(user=user).first()
    if profile is not None:
        out["profile"] = row(profile)
        for model in _profile_row_models():
            out["profile"][model._meta.model_name] = rows(model.objects.filter(profile=profile),
                                                          exclude=("profile",))
    return out


def _anonymise_account(user) -> dict:
    from .models import ApiToken, Connection, PeerReview, PortfolioItem, ReadinessSnapshot, StudentProfile

    done = {}
    profile = StudentProfile.objects.filter(user=user).first()
    if profile is not None:
        files = 0
        for item in PortfolioItem.objects.filter(profile=profile).exclude(file=""):
            item.file.delete(save=False)
            files += 1
        children = {m: list(m.objects.filter(profile=profile).values_list("pk", flat=True))
                    for m in _profile_row_models()}
        done.update(profile=delete_with_history(StudentProfile.objects.filter(pk=profile.pk)), files=files)
        for model, pks in children.items():  # deleted with the profile; their versions too
            purge_history(model, pks)
    done["peer_reviews_received"] = delete_with_history(PeerReview.objects.filter(student=user))
    done["connections"] = Connection.objects.filter(models.Q(user_low=user) | models.Q(user_high=user)).delete()[0]
    done["readiness_snapshots"] = ReadinessSnapshot.objects.filter(user=user).delete()[0]
    done["api_tokens"] = ApiToken.objects.filter(user=user).delete()[0]
    user.email = erased_email(user)
    user.first_name = user.last_name = user.display_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()  # with is_active off: every session and token of the account dies
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    done["account"] = 1
    return done


def register_accounts_sections() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        "account", order=0, title=_("Account and profile"), export=_export_account, anonymise=_anonymise_account,
        retained=_("Kept: the account row itself, without e-mail, name, password or roles, so that the school "
                   "records and credentials below still point to one anonymous person; your erasure request "
                   "and its history (proof that it was carried out). Deleted: your profile, portfolio files, "
                   "skills, reviews about you, connections, job-readiness snapshots and API tokens."),
    )
