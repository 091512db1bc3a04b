"""Offline JSON-LD processing and RDF Dataset Canonicalization (RDFC-1.0) in safe mode.

Pure Python, no Django. Everything here may be fed an untrusted upload, so:

* Contexts come only from ``badges/contexts`` (``OfflineDocumentLoader``); any other context URL,
  anywhere in the document, is refused before pyld runs (``ContextNotBundledError``). Nothing is
  ever fetched from the network.
* Safe mode: JSON-LD silently drops what its contexts do not define, so it would not be signed.
  ``canonicalize`` refuses such a document instead (``UndefinedTermError`` for an undefined
  property or type, ``UnsafeDocumentError`` for other data that would vanish from the RDF, such
  as a relative ``id`` or a ``@direction``).
* Bounds (``Limits``): the JSON size and nesting depth are checked before any JSON-LD work, the
  number of quads and blank nodes before canonicalization, and the canonicalization itself is
  bounded in calls to "Hash N-Degree Quads", in the size of the blank node groups it permutes
  and in wall-clock time (``DocumentLimitError``). These defeat the RDFC-1.0 "dataset poisoning"
  attack, which would otherwise make canonicalization take exponential time.

Caching: the loader parses each bundled file once per process and returns the same document
with pyld's ``tag: static``, which makes pyld keep the *processed* context in its own shared
resolved-context cache (``pyld.jsonld._resolved_context_cache``, an LRU of 100 entries), so
the expensive context processing happens once per process, not once per document. That cache is
keyed by URL and shared by every pyld caller in the process; the pre-check of context URLs in
``check_contexts`` is what keeps a URL cached by another caller from slipping past the bundle.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pyld import jsonld as _pyld
from pyld.canon import URDNA2015

from badges.contexts import PRODUCTION_CONTEXTS, BundledContext

__all__ = [
    "CANONICALIZATION_ALGORITHM",
    "DEFAULT_LIMITS",
    "ContextNotBundledError",
    "CredentialJsonLdError",
    "DocumentLimitError",
    "InvalidJsonLdError",
    "Limits",
    "OfflineDocumentLoader",
    "UndefinedTermError",
    "UnsafeDocumentError",
    "canonicalize",
    "check_contexts",
    "check_shape",
    "expand",
    "parse_json",
]

#: pyld's name for RDFC-1.0. pyld's own default is the older URGNA2012, so always pass it.
CANONICALIZATION_ALGORITHM = "URDNA2015"
NQUADS = "application/n-quads"

# Schemes accepted for a property or a type IRI. An undefined prefix ("ex:foo") looks like an
# absolute IRI to JSON-LD and would be signed as the IRI "ex:foo"; refusing unknown schemes
# catches that typo-shaped hole.
VOCAB_IRI_SCHEMES = frozenset({"http", "https", "urn"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


# ---------------------------------------------------------------------------------- errors
class CredentialJsonLdError(Exception):
    """Base class of every error raised by this module."""


class ContextNotBundledError(CredentialJsonLdError):
    """A context URL that is not bundled (never fetched)."""

    def __init__(self, url: str):
        self.url = url
        super().__init__(f"JSON-LD context not bundled, refused: {url!r}")


class DocumentLimitError(CredentialJsonLdError):
    """The document exceeds a size, depth, quad, blank-node or time bound."""


class InvalidJsonLdError(CredentialJsonLdError):
    """pyld rejected the document (e.g. redefinition of a protected term)."""


class UnsafeDocumentError(CredentialJsonLdError):
    """Part of the document would not reach the RDF dataset, so it would not be signed.

    ``path`` is a JSON path into the original (compacted) document when it can be located,
    else into the expanded form.
    """

    def __init__(self, message: str, path: str = ""):
        self.path = path
        super().__init__(f"{message} (at {path})" if path else message)


class UndefinedTermError(UnsafeDocumentError):
    """A property or a type is not defined by the document's contexts."""

    def __init__(self, term: str, path: str = "", kind: str = "property"):
        self.term = term
        self.kind = kind
        super().__init__(f"undefined {kind} {term!r}: not defined by the document's contexts", path)


# ---------------------------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limits:
    """Bounds applied to every document; the defaults suit an Open Badges credential.

    ``max_bytes`` is the UTF-8 size of the compact JSON serialisation.
    """

    max_bytes: int = 256 * 1024
    max_depth: int = 32
    max_quads: int = 4096
    max_blank_nodes: int = 256
    max_ndegree_calls: int = 2000
    max_permutation_group: int = 8
    max_seconds: float = 5.0


DEFAULT_LIMITS = Limits()


def parse_json(raw: bytes | str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse untrusted JSON with the size bound checked *before* parsing, then the depth bound."""
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) > limits.max_bytes:
        raise DocumentLimitError(f"document is {len(data)} bytes, limit {limits.max_bytes}")
    try:
        doc = json.loads(data)
    except RecursionError as exc:
        raise DocumentLimitError("document nesting too deep") from exc
    except ValueError as exc:
        raise InvalidJsonLdError(f"not JSON: {exc}") from exc
    check_shape(doc, limits)
    return doc


def check_shape(doc: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    """Check the depth and the serialised size of an already parsed document."""
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_depth:
            raise DocumentLimitError(f"document nesting deeper than {limits.max_depth}")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    try:
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise InvalidJsonLdError(f"not a JSON document: {exc}") from exc
    if size > limits.max_bytes:
        raise DocumentLimitError(f"document is {size} bytes, limit {limits.max_bytes}")


# ---------------------------------------------------------------------------------- loader
@functools.lru_cache(maxsize=None)
def _parsed(ctx: BundledContext) -> Any:
    return json.loads(ctx.path.read_bytes())


class OfflineDocumentLoader:
    """A pyld document loader serving only the bundled contexts it was given."""

    def __init__(self, contexts: Mapping[str, BundledContext] = PRODUCTION_CONTEXTS):
        self.contexts = dict(contexts)

    def __contains__(self, url: object) -> bool:
        return url in self.contexts

    def __call__(self, url: str, options: Any = None) -> dict:
        ctx = self.contexts.get(url)
        if ctx is None:
            raise ContextNotBundledError(url)
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            # pyld may rewrite relative URLs inside a loaded context in place: hand out a copy.
            "document": copy.deepcopy(_parsed(ctx)),
            # Lets pyld keep the processed context in its shared cache (see module docstring).
            "tag": "static",
        }


PRODUCTION_LOADER = OfflineDocumentLoader()


def _context_urls(value: Any) -> Iterator[str]:
    """Every context URL referenced by an ``@context`` value, inline contexts included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _context_urls(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("@context", "@import"):
                yield from _context_urls(item)
            elif isinstance(item, dict) and "@context" in item:
                yield from _context_urls(item["@context"])


def check_contexts(doc: Any, loader: OfflineDocumentLoader = PRODUCTION_LOADER) -> None:
    """Refuse a document that references, anywhere, a context URL the loader does not bundle."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for url in _context_urls(value):
                        if url not in loader:
                            raise ContextNotBundledError(url)
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


# ---------------------------------------------------------------------------------- safe mode
def _path(parts: list[Any]) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _find_key(doc: Any, key: str) -> str:
    """JSON path of the first occurrence of ``key`` as an object key (outside @context)."""
    stack: list[tuple[Any, list[Any]]] = [(doc, [])]
    while stack:
        node, parts = stack.pop(0)
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "@context":
                    continue
                if k == key:
                    return _path(parts + [k])
                stack.append((v, parts + [k]))
        elif isinstance(node, list):
            stack.extend((v, parts + [i]) for i, v in enumerate(node))
    return ""


def _find_value(doc: Any, value: str) -> str:
    """JSON path of the first string equal to ``value`` (outside @context)."""
    stack: list[tuple[Any, list[Any]]] = [(doc, [])]
    while stack:
        node, parts = stack.pop(0)
        if node == value:
            return _path(parts)
        if isinstance(node, dict):
            stack.extend((v, parts + [k]) for k, v in node.items() if k != "@context")
        elif isinstance(node, list):
            stack.extend((v, parts + [i]) for i, v in enumerate(node))
    return ""


def _scheme(iri: str) -> str | None:
    m = _SCHEME.match(iri)
    return m.group(1).lower() if m else None


def _check_vocab_iri(iri: str, kind: str, doc: Any, parts: list[Any]) -> None:
    if iri.startswith("_:") or _scheme(iri) not in VOCAB_IRI_SCHEMES:
        where = _find_key(doc, iri) if kind == "property" else _find_value(doc, iri)
        raise UndefinedTermError(iri, where or _path(parts), kind)


def _check_node_iri(iri: Any, doc: Any, parts: list[Any]) -> None:
    if not isinstance(iri, str) or not (iri.startswith("_:") or _scheme(iri)):
        raise UnsafeDocumentError(
            f"relative or invalid IRI {iri!r} would be dropped from the signed data",
            _find_value(doc, iri) if isinstance(iri, str) else _path(parts),
        )


def _check_expanded(node: Any, doc: Any, parts: list[Any]) -> None:
    """Walk pyld's expanded form and refuse anything toRdf would silently drop."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_expanded(item, doc, parts + [i])
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:  # value object: a JSON literal's content is not checked as terms
        if "@direction" in node:
            raise UnsafeDocumentError("@direction is not preserved by the canonical form",
                                      _find_key(doc, "@direction") or _path(parts))
        dtype = node.get("@type")
        if dtype is not None and dtype != "@json":
            _check_vocab_iri(dtype, "datatype", doc, parts + ["@type"])
        return
    if "@list" in node:
        _check_expanded(node["@list"], doc, parts + ["@list"])
        return
    for key, value in node.items():
        here = parts + [key]
        if key == "@id":
            _check_node_iri(value, doc, here)
        elif key == "@type":
            for t in value:
                _check_vocab_iri(t, "type", doc, here)
        elif key == "@reverse":
            for prop, vals in value.items():
                _check_vocab_iri(prop, "property", doc, here + [prop])
                _check_expanded(vals, doc, here + [prop])
        elif key in ("@graph", "@included"):
            _check_expanded(value, doc, here)
        elif key == "@index":
            continue
        elif key.startswith("@"):
            raise UnsafeDocumentError(f"unsupported JSON-LD keyword {key}", _path(here))
        else:
            _check_vocab_iri(key, "property", doc, here)
            _check_expanded(value, doc, here)


def expand(doc: Any, loader: OfflineDocumentLoader = PRODUCTION_LOADER) -> list:
    """Expand ``doc`` with bundled contexts only, refusing anything JSON-LD would drop."""
    check_contexts(doc, loader)
    dropped: list[str | None] = []
    try:
        expanded = _pyld.expand(
            doc,
            {"documentLoader": loader, "base": None, "processingMode": "json-ld-1.1"},
            on_property_dropped=dropped.append,
        )
    except _pyld.JsonLdError as exc:
        raise _translate(exc) from exc
    if dropped:
        term = dropped[0]
        if term is None:
            raise UndefinedTermError("(a term mapped to null)", "")
        raise UndefinedTermError(term, _find_key(doc, term))
    _check_expanded(expanded, doc, [])
    return expanded


def _translate(exc: BaseException) -> CredentialJsonLdError:
    """Map a pyld error (whose cause chain may hold ours) to this module's errors."""
    seen = exc
    while seen is not None:
        if isinstance(seen, CredentialJsonLdError):
            return seen
        details = getattr(seen, "details", None)
        if isinstance(details, dict):
            for v in details.values():
                if isinstance(v, CredentialJsonLdError):
                    return v
        seen = seen.__cause__ or seen.__context__
    return InvalidJsonLdError(f"invalid JSON-LD: {exc}")


# ---------------------------------------------------------------------------------- RDFC-1.0
class _BoundedURDNA2015(URDNA2015):
    """pyld's URDNA2015 (= RDFC-1.0) with a work and time bound on Hash N-Degree Quads."""

    def __init__(self, limits: Limits, deadline: float):
        super().__init__()
        self._limits = limits
        self._deadline = deadline
        self._calls = 0

    def hash_n_degree_quads(self, id_, issuer):
        self._calls += 1
        if self._calls > self._limits.max_ndegree_calls:
            raise DocumentLimitError("canonicalization work limit exceeded (blank node poisoning?)")
        if time.monotonic() > self._deadline:
            raise DocumentLimitError("canonicalization time limit exceeded")
        groups = self.create_hash_to_related(id_, issuer)
        if any(len(g) > self._limits.max_permutation_group for g in groups.values()):
            raise DocumentLimitError("too many indistinguishable blank nodes to canonicalize")
        return super().hash_n_degree_quads(id_, issuer)


def canonicalize(
    doc: Any,
    loader: OfflineDocumentLoader = PRODUCTION_LOADER,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, in safe mode.

    Raises a ``CredentialJsonLdError`` subclass; never fetches anything. The result is what
    ``pyld.jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads"})``
    returns for a safe document (the tests check it); the steps are taken one by one here
    so that each can be checked and bounded.
    """
    deadline = time.monotonic() + limits.max_seconds
    check_shape(doc, limits)
    expanded = expand(doc, loader)
    try:
        dataset = _pyld.to_rdf(expanded, {"documentLoader": loader, "base": "",
                                          "produceGeneralizedRdf": False})
    except _pyld.JsonLdError as exc:
        raise _translate(exc) from exc
    quads = [q for triples in dataset.values() for q in triples]
    if len(quads) > limits.max_quads:
        raise DocumentLimitError(f"{len(quads)} quads, limit {limits.max_quads}")
    blanks = {c["value"] for q in quads for c in q.values() if c.get("type") == "blank node"}
    blanks |= {g for g in dataset if g.startswith("_:")}
    if len(blanks) > limits.max_blank_nodes:
        raise DocumentLimitError(f"{len(blanks)} blank nodes, limit {limits.max_blank_nodes}")
    if time.monotonic() > deadline:
        raise DocumentLimitError("canonicalization time limit exceeded")
    return _BoundedURDNA2015(limits, deadline).main(dataset, {"format": NQUADS})
