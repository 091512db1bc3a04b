"""The platform's verification resolver: the DID document, status lists and the issuance registry,
all read locally from the database (never the network)."""
from __future__ import annotations

import uuid
from datetime import datetime

from badges import services
from badges.models import Credential


class DatabaseResolver:
    """Resolves only this platform's DID and its own status list URLs."""

    def __init__(self):
        self._did_doc = None

    def did_document(self, did: str) -> dict | None:
        if did != services.issuer_did():
            return None
        if self._did_doc is None:
            self._did_doc = services.did_document()
        return self._did_doc

    def status_list_credential(self, url: str) -> dict | None:
        prefix = services.base_url() + "/status/"
        if not isinstance(url, str) or not url.startswith(prefix):
            return None
        tail = url[len(prefix):]
        if not tail.isdigit() or len(tail) > 9:
            return None
        return services.status_list_document(int(tail))

    def issued_at(self, credential_id: str) -> datetime | None:
        prefix = services.base_url() + "/credentials/"
        if not isinstance(credential_id, str) or not credential_id.startswith(prefix):
            return None
        try:
            pk = uuid.UUID(credential_id[len(prefix):])
        except ValueError:
            return None
        return Credential.objects.filter(pk=pk).values_list("issued_at", flat=True).first()


def verify(doc_or_raw, **kwargs):
    from badges.verification import verify_credential

    return verify_credential(doc_or_raw, DatabaseResolver(), **kwargs)


__all__ = ["DatabaseResolver", "verify"]
