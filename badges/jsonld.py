"""Offline JSON-LD processing and RDF Dataset Canonicalization (RDFC-1.0) in safe mode.

Pure Python, no Django. Everything here may be fed an untrusted upload, so:

* Contexts come only from ``badges/contexts`` (``OfflineDocumentLoader``); any other context URL,
  anywhere in the document, is refused before pyld runs (``ContextNotBundledError``). Nothing is
  ever fetched from the network.
* Safe mode: JSON-LD silently drops what its contexts do not define, so it would not be signed.
  ``canonicalize`` refuses such a document instead (``UndefinedTermError`` for an undefined
  property or type, ``UnsafeDocumentError`` for other data that would vanish from the RDF, such
  as a relative ``id`` or a ``@direction``).
* Bounds (``Limits``), each refused with a ``DocumentLimitError`` that names it. Before any JSON-LD
  work (``check_shape``, one linear walk): the JSON size, the nesting depth, the number of values
  and objects outside ``@context`` (each becomes about one quad: the estimate of the quads), the
  length of any one array and the number of ``@context`` entries (context URLs and inline term
  definitions). After the expansion, before building the RDF (``_check_merge_work``): the work
  pyld's node map will do, which compares every value of a property of a node with the values
  already there (quadratic: a few thousand distinct ``achievement.tag`` values took 11 s at
  37 KB, minutes at 170 KB); the estimate is the sum over (node, property) of the square of its
  number of values, nodes with one ``@id`` merged. Before the canonicalization: the quads and
  blank nodes. Inside every step (``Budget``): a step counter ticked in pyld's expansion and
  node map and in RDFC-1.0's hashing loops, and a CPU-time budget of the calling thread
  (``time.thread_time``: a loaded machine slows the wall clock, not the thread's own CPU time,
  so an honest verification or the platform's own issuance never fails because the server is
  busy). RDFC-1.0 is also bounded in calls to "Hash N-Degree Quads" and in the size of the
  blank node groups it permutes, which defeats the "dataset poisoning" attack (exponential time).

Caching: the loader parses each bundled file once per process and returns the same document
with pyld's ``tag: static``, which makes pyld keep the *processed* context in its own shared
resolved-context cache (``pyld.jsonld._resolved_context_cache``, an LRU of 100 entries), so
the expensive context processing happens once per process, not once per document. That cache is
keyed by URL and shared by every pyld caller in the process; the pre-check of context URLs in
``check_contexts`` is what keeps a URL cached by another caller from slipping past the bundle.

Fast paths (on by default; ``reference_path()`` turns them off for the block it wraps, which is how the
tests compare them with pyld's own path on every vector and attack): pyld keys its processed contexts by a
fresh identifier for every type-scoped context (``@propagate: false`` clones the active context), so it
re-processed the scoped context of every typed object (Achievement, Profile, Criteria, ...) of every
document; ``_BoundedProcessor`` memoises the processing of a context against an *immutable* (frozen)
active context, keyed by the identity of both (held, so an identity cannot be reused), in a bounded,
locked LRU. And the RDF dataset is built from the expanded form already checked (pyld's ``to_rdf``
expanded the document a second time).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import json
import re
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from frozendict import frozendict
from pyld import jsonld as _pyld
from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer

from badges.contexts import PRODUCTION_CONTEXTS, BundledContext

__all__ = [
    "CANONICALIZATION_ALGORITHM",
    "DEFAULT_LIMITS",
    "Budget",
    "Shape",
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
    "measure",
    "parse_json",
    "reference_path",
]

#: pyld's name for RDFC-1.0. pyld's own default is the older URGNA2012, so always pass it.
CANONICALIZATION_ALGORITHM = "URDNA2015"
NQUADS = "application/n-quads"

# Schemes accepted for a property or a type IRI. An undefined prefix ("ex:foo") looks like an
# absolute IRI to JSON-LD and would be signed as the IRI "ex:foo"; refusing unknown schemes
# catches that typo-shaped hole.
VOCAB_IRI_SCHEMES = frozenset({"http", "https", "urn"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


# ---------------------------------------------------------------------------------- fast paths
_FAST_PATHS = contextvars.ContextVar("badges_fast_paths", default=True)


def fast_paths() -> bool:
    """False inside ``reference_path()``: every fast path of the badges verification is off."""
    return _FAST_PATHS.get()


@contextlib.contextmanager
def reference_path():
    """Run the block with the fast paths off (this module's context memo and dataset, the verification's memo of
    proofs by the credential's bytes): the reference the tests compare the fast paths with."""
    token = _FAST_PATHS.set(False)
    try:
        yield
    finally:
        _FAST_PATHS.reset(token)


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
    """Bounds applied to every document; the defaults suit an Open Badges credential (the platform's
    own have about 60 values, 12 objects, depth 6, 2 context URLs and 70 quads), leaving ample room
    for honest third-party credentials while keeping the worst document within them to a fraction of
    a second of CPU (``bench/badges_dos.py``).

    ``max_bytes`` is the UTF-8 size of the compact JSON serialisation; ``max_values`` counts the
    scalars and objects outside ``@context`` (the estimate of the quads before expansion);
    ``max_array`` the items of any one array; ``max_context_entries`` the context URLs and inline
    term definitions of every ``@context`` in the document; ``max_merge_work`` the node map's
    comparisons (see the module docstring); ``max_steps`` the ticks of the ``Budget`` (about one
    per element expanded, per node mapped, per blank node hashed); ``max_cpu_seconds`` the CPU
    time of the calling thread for one canonicalization.
    """

    max_bytes: int = 256 * 1024
    max_depth: int = 32
    max_values: int = 1024
    max_array: int = 128
    max_context_entries: int = 16
    max_merge_work: int = 16384
    max_quads: int = 4096
    max_blank_nodes: int = 256
    max_ndegree_calls: int = 2000
    max_permutation_group: int = 8
    max_steps: int = 100_000
    max_cpu_seconds: float = 1.0


DEFAULT_LIMITS = Limits()


class Budget:
    """The work and CPU-time bound of one canonicalization, checked inside its loops.

    ``tick(n)`` counts ``n`` steps and raises ``DocumentLimitError`` past ``max_steps`` or past
    ``max_cpu_seconds`` of the calling thread's CPU time (checked every 64 ticks: reading the
    clock costs more than a step). ``steps`` is the work done so far (the tests assert on it).
    """

    __slots__ = ("limits", "steps", "_cpu_deadline", "_next_clock")

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits
        self.steps = 0
        self._cpu_deadline = time.thread_time() + limits.max_cpu_seconds
        self._next_clock = 0

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.limits.max_steps:
            raise DocumentLimitError(f"work limit exceeded ({self.limits.max_steps} steps)")
        if self.steps >= self._next_clock:
            self._next_clock = self.steps + 64
            self.check_time()

    def check_time(self) -> None:
        if time.thread_time() > self._cpu_deadline:
            raise DocumentLimitError(f"CPU time limit exceeded ({self.limits.max_cpu_seconds} s)")


@dataclass(frozen=True)
class Shape:
    """What ``measure`` counts in one linear walk of a parsed document."""

    depth: int = 0
    values: int = 0  # scalars and objects outside @context: the estimate of the quads
    max_array: int = 0
    context_entries: int = 0


def _count_context(value: Any) -> int:
    """Context URLs and inline term definitions of an ``@context`` value (nested contexts too)."""
    count, stack = 0, [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            count += node is not value  # a nested list counts (bounds its nesting), the outer one does not
            stack.extend(node)
        elif isinstance(node, dict):
            count += len(node)
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        else:
            count += 1
    return count


def measure(doc: Any, limits: Limits = DEFAULT_LIMITS) -> Shape:
    """Count what ``Limits`` bounds, refusing as soon as a bound is passed (so the walk itself is
    bounded by the limits, not by the document). Iterative: no recursion on untrusted nesting."""
    depth = values = widest = contexts = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, level = stack.pop()
        if level > limits.max_depth:
            raise DocumentLimitError(f"document nesting deeper than {limits.max_depth}")
        depth = max(depth, level)
        values += 1
        if values > limits.max_values:
            raise DocumentLimitError(f"more than {limits.max_values} values and objects in the document")
        if isinstance(node, dict):
            for key, item in node.items():
                if key == "@context":
                    contexts += _count_context(item)
                    if contexts > limits.max_context_entries:
                        raise DocumentLimitError(
                            f"more than {limits.max_context_entries} @context entries in the document")
                else:
                    stack.append((item, level + 1))
        elif isinstance(node, list):
            values -= 1  # an array is not a value itself: its items are
            if len(node) > limits.max_array:
                raise DocumentLimitError(f"an array of {len(node)} items, limit {limits.max_array}")
            widest = max(widest, len(node))
            stack.extend((item, level + 1) for item in node)
    return Shape(depth=depth, values=values, max_array=widest, context_entries=contexts)


def parse_json(raw: bytes | str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse untrusted JSON with the size bound checked *before* parsing, then the shape bounds."""
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


def check_shape(doc: Any, limits: Limits = DEFAULT_LIMITS) -> Shape:
    """Check every bound that can be checked before JSON-LD work (``measure``), then the serialised size."""
    shape = measure(doc, limits)
    try:
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise InvalidJsonLdError(f"not a JSON document: {exc}") from exc
    if size > limits.max_bytes:
        raise DocumentLimitError(f"document is {size} bytes, limit {limits.max_bytes}")
    return shape


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
    stack: deque[tuple[Any, list[Any]]] = deque([(doc, [])])
    while stack:
        node, parts = stack.popleft()
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
    stack: deque[tuple[Any, list[Any]]] = deque([(doc, [])])
    while stack:
        node, parts = stack.popleft()
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


_CONTEXT_MEMO: "OrderedDict[tuple, tuple[Any, Any, Any]]" = OrderedDict()
_CONTEXT_MEMO_MAX = 256  # an entry holds a processed context (a shallow copy of its term map): a few MB at most
_CONTEXT_MEMO_LOCK = threading.Lock()


class _BoundedProcessor(_pyld.JsonLdProcessor):
    """pyld's processor with the ``Budget`` ticked once per element expanded and per node mapped, and (fast path)
    the memo of processed contexts described in the module docstring."""

    def __init__(self, budget: Budget, **kwargs: Any):
        super().__init__(**kwargs)
        self._budget = budget
        self._fast = fast_paths()

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                         validate_scoped=True, cycles=None):
        if not self._fast or not isinstance(active_ctx, frozendict):
            return super()._process_context(active_ctx, local_ctx, options, override_protected, propagate,
                                            validate_scoped, cycles)
        # The result depends on the active context, the local context, the flags and the options below; the two
        # contexts are compared by identity (a frozen active context cannot change; a local context is pyld's
        # own copy, of the bundled files or of the document, never handed out), the entry holding both.
        local_key = local_ctx if isinstance(local_ctx, str) else id(local_ctx)
        key = (id(active_ctx), local_key, override_protected, propagate, validate_scoped, options.get("base"),
               options.get("processingMode"), id(options.get("documentLoader")))
        with _CONTEXT_MEMO_LOCK:
            hit = _CONTEXT_MEMO.get(key)
            if hit is not None and hit[0] is active_ctx and (hit[1] is local_ctx or hit[1] == local_key):
                _CONTEXT_MEMO.move_to_end(key)
                return hit[2]
        result = super()._process_context(active_ctx, local_ctx, options, override_protected, propagate,
                                          validate_scoped, cycles)
        if isinstance(result, frozendict):
            with _CONTEXT_MEMO_LOCK:
                _CONTEXT_MEMO[key] = (active_ctx, local_ctx, result)
                while len(_CONTEXT_MEMO) > _CONTEXT_MEMO_MAX:
                    _CONTEXT_MEMO.popitem(last=False)
        return result

    def dataset(self, expanded: list, loader: "OfflineDocumentLoader") -> dict:
        """The RDF dataset of an expanded document: pyld's ``to_rdf`` after its expansion step (fast path; the
        reference path lets ``to_rdf`` expand the expanded form again)."""
        if not self._fast:
            return self.to_rdf(expanded, {"documentLoader": loader, "base": "",
                                          "produceGeneralizedRdf": False})
        options = {"produceGeneralizedRdf": False, "processingMode": "json-ld-1.1"}
        issuer = IdentifierIssuer("_:b")
        node_map: dict = {"@default": {}}
        self._create_node_map(expanded, node_map, "@default", issuer)
        return {name: self._graph_to_rdf(graph, issuer, options) for name, graph in sorted(node_map.items())
                if name == "@default" or _pyld._is_absolute_iri(name)}

    def _expand(self, *args: Any, **kwargs: Any):
        self._budget.tick()
        return super()._expand(*args, **kwargs)

    def _create_node_map(self, *args: Any, **kwargs: Any):
        self._budget.tick()
        return super()._create_node_map(*args, **kwargs)


def expand(doc: Any, loader: OfflineDocumentLoader = PRODUCTION_LOADER, budget: Budget | None = None) -> list:
    """Expand ``doc`` with bundled contexts only, refusing anything JSON-LD would drop."""
    check_contexts(doc, loader)
    budget = budget or Budget()
    dropped: list[str | None] = []
    try:
        expanded = _BoundedProcessor(budget, on_property_dropped=dropped.append).expand(
            doc, {"documentLoader": loader, "base": None, "processingMode": "json-ld-1.1"})
    except _pyld.JsonLdError as exc:
        raise _translate(exc) from exc
    if dropped:
        term = dropped[0]
        if term is None:
            raise UndefinedTermError("(a term mapped to null)", "")
        raise UndefinedTermError(term, _find_key(doc, term))
    _check_expanded(expanded, doc, [])
    return expanded


def merge_work(expanded: Any, budget: Budget | None = None) -> int:
    """The comparisons pyld's node map will make for this expanded document: it checks each new value
    of a (node, property) against the values already there, so a (node, property) with k values
    costs about k² / 2; the objects that share an ``@id`` are one node. Returns the sum of k²."""
    counts: Counter[tuple[str, str]] = Counter()
    anonymous = 0
    stack = [expanded]
    while stack:
        node = stack.pop()
        if budget is not None:
            budget.tick()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "@value" in node:
                continue
            if "@list" in node:
                stack.append(node["@list"])
                continue
            ident = node.get("@id")
            if not isinstance(ident, str):
                anonymous += 1
                ident = f"\x00{anonymous}"  # a node of its own (never a real IRI)
            for key, value in node.items():
                if key == "@id":
                    continue
                items = value if isinstance(value, list) else [value]
                if key == "@reverse" and isinstance(value, dict):
                    items = [value]
                counts[(ident, key)] += len(items)
                stack.extend(v for v in items if isinstance(v, (dict, list)))
    return sum(k * k for k in counts.values())


def _check_merge_work(expanded: Any, limits: Limits, budget: Budget) -> None:
    work = merge_work(expanded, budget)
    if work > limits.max_merge_work:
        raise DocumentLimitError(f"too many values for one property of one node (node map work {work}, "
                                 f"limit {limits.max_merge_work})")


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
    """pyld's URDNA2015 (= RDFC-1.0) with a work and time bound in its hashing loops."""

    def __init__(self, limits: Limits, budget: Budget):
        super().__init__()
        self._limits = limits
        self._budget = budget
        self._calls = 0

    def hash_first_degree_quads(self, id_):
        self._budget.tick()
        return super().hash_first_degree_quads(id_)

    def hash_related_blank_node(self, related, quad, issuer, position):
        self._budget.tick()
        return super().hash_related_blank_node(related, quad, issuer, position)

    def hash_n_degree_quads(self, id_, issuer):
        self._calls += 1
        if self._calls > self._limits.max_ndegree_calls:
            raise DocumentLimitError("canonicalization work limit exceeded (blank node poisoning?)")
        self._budget.tick()
        groups = self.create_hash_to_related(id_, issuer)
        if any(len(g) > self._limits.max_permutation_group for g in groups.values()):
            raise DocumentLimitError("too many indistinguishable blank nodes to canonicalize")
        return super().hash_n_degree_quads(id_, issuer)


def canonicalize(
    doc: Any,
    loader: OfflineDocumentLoader = PRODUCTION_LOADER,
    limits: Limits = DEFAULT_LIMITS,
    budget: Budget | None = None,
) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, in safe mode.

    Raises a ``CredentialJsonLdError`` subclass; never fetches anything. The result is what
    ``pyld.jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads"})``
    returns for a safe document (the tests check it); the steps are taken one by one here
    so that each can be checked and bounded. ``budget`` (a fresh one by default) may be shared
    by several calls, e.g. the document and the proof configuration of one verification.
    """
    budget = budget or Budget(limits)
    check_shape(doc, limits)
    expanded = expand(doc, loader, budget)
    _check_merge_work(expanded, limits, budget)
    try:
        dataset = _BoundedProcessor(budget).dataset(expanded, loader)
    except _pyld.JsonLdError as exc:
        raise _translate(exc) from exc
    quads = [q for triples in dataset.values() for q in triples]
    if len(quads) > limits.max_quads:
        raise DocumentLimitError(f"{len(quads)} quads, limit {limits.max_quads}")
    blanks = {c["value"] for q in quads for c in q.values() if c.get("type") == "blank node"}
    blanks |= {g for g in dataset if g.startswith("_:")}
    if len(blanks) > limits.max_blank_nodes:
        raise DocumentLimitError(f"{len(blanks)} blank nodes, limit {limits.max_blank_nodes}")
    budget.check_time()
    return _BoundedURDNA2015(limits, budget).main(dataset, {"format": NQUADS})
