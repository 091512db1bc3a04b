"""Absolute links for people, following the address the platform is served on.

Two kinds of absolute URL, kept apart:

- What is *signed* into a credential (its id, the issuer's did:web, the achievement, status list and skill
  URLs) carries the public address fixed at issuance, ``settings.PUBLIC_BASE_URL`` (badges.services.base_url):
  changing it later would break every signature.
- Everything else a person follows (QR codes, links on pages, the PDF certificate's link, e-mails) is built
  here: from the request when there is one (the address the reader reached), else from the configured base
  (Celery tasks, management commands), so a platform run on another host or port prints links that work.
"""
from django.conf import settings


def configured_base() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def absolute_url(path: str, request=None) -> str:
    """``path`` (starting with /) as an absolute URL: on the request's own address, else the configured base."""
    if request is not None:
        return request.build_absolute_uri(path)
    return configured_base() + path
