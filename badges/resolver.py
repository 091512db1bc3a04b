"""The platform's verification resolver: the DID document, status lists and the issuance registry,
all read locally from the database (never the network)."""
from __future__ import annotations

import uuid
from datetime import datetime

from badges import services
from badges.models import Credential, HolderCopy, SigningKey


class DatabaseResolver:
    """Resolves only this platform's DID and its own status list URLs."""

    def __init__(self):
        self._did_doc = None
        self._keys = None

    def _signing_keys(self) -> list[SigningKey]:
        """The issuer's keys, read once per resolver (one verification): the DID document and the retirement dates
        come from the same read."""
        if self._keys is None:
            self._keys = list(SigningKey.objects.order_by("number"))
        return self._keys

    def did_document(self, did: str) -> dict | None:
        if did != services.issuer_did():
            return None
        if self._did_doc is None:
            self._did_doc = services.did_document(self._signing_keys())
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
        """When the platform signed the credential of that id: a stored credential (``<base>/credentials/<id>``) or
        a copy handed to a wallet (``urn:uuid:<id>``, ``badges.wallet``)."""
        if not isinstance(credential_id, str):
            return None
        prefix = services.base_url() + "/credentials/"
        model, tail = (Credential, credential_id[len(prefix):]) if credential_id.startswith(prefix) else (
            (HolderCopy, credential_id[len("urn:uuid:"):]) if credential_id.startswith("urn:uuid:") else (None, ""))
        if model is None or len(tail) > 36:
            return None
        try:
            pk = uuid.UUID(tail)
        except ValueError:
            return None
        return model.objects.filter(pk=pk).values_list("issued_at", flat=True).first()

    def key_retired_at(self, method_id: str) -> datetime | None:
        """When a key of this issuer was retired by a planned rotation (it stays listed and keeps verifying what it
        signed before that date), else None."""
        did, _, fragment = (method_id or "").partition("#")
        if did != services.issuer_did() or not fragment.startswith("key-") or not fragment[4:].isdigit() \
                or len(fragment) > 14:
            return None
        number = int(fragment[4:])
        return next((k.retired_at for k in self._signing_keys()
                     if k.number == number and k.status == SigningKey.Status.RETIRED), None)


    def log_inclusion(self, digest: str) -> dict | None:
        """Where the issuance log lists the credential of ``digest``, with its proof in the latest signed tree head
        (``badges.transparency.log_inclusion``)."""
        from badges import transparency

        return transparency.log_inclusion(digest)


def verify(doc_or_raw, **kwargs):
    from badges.verification import verify_credential

    return verify_credential(doc_or_raw, DatabaseResolver(), **kwargs)


__all__ = ["DatabaseResolver", "verify"]
