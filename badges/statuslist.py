"""W3C Bitstring Status List v1.0, pure helpers (no Django).

The list is a ``bytearray``; entry ``i`` is bit ``i`` counted from the most significant (leftmost)
bit of byte 0, so entry 0 is ``0x80`` of byte 0 and entry 9 is ``0x40`` of byte 1. The
``encodedList`` is GZIP of those bytes, then multibase base64url without padding ('u' prefix).
Decoding an untrusted list bounds the decompressed size (decompression-bomb guard).
"""

from __future__ import annotations

import base64
import gzip
import re
import zlib

MIN_ENTRIES = 131_072  # 16 KiB: the spec's minimum, for group privacy
DEFAULT_MAX_DECODED_BYTES = 2 * 1024 * 1024  # 16M entries
DEFAULT_MAX_ENCODED_CHARS = 4 * 1024 * 1024


class StatusListError(ValueError):
    """A malformed, oversized or out-of-range status list."""


def new_bitstring(entries: int = MIN_ENTRIES) -> bytearray:
    """An all-zero list of ``entries`` bits (at least 131,072, a multiple of 8)."""
    if entries < MIN_ENTRIES or entries % 8:
        raise StatusListError(f"a status list has at least {MIN_ENTRIES} entries, a multiple of 8")
    return bytearray(entries // 8)


def _locate(bits: bytes | bytearray, index: int) -> tuple[int, int]:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(bits) * 8:
        raise StatusListError(f"status index {index!r} outside the list of {len(bits) * 8} entries")
    return index // 8, 0x80 >> (index % 8)


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    """True when entry ``index`` is set (e.g. revoked)."""
    byte, mask = _locate(bits, index)
    return bool(bits[byte] & mask)


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    """Set (or clear, with ``value=False``) entry ``index`` in place."""
    byte, mask = _locate(bits, index)
    if value:
        bits[byte] |= mask
    else:
        bits[byte] &= ~mask & 0xFF


def get_status(bits: bytes | bytearray, index: int, status_size: int = 1) -> int:
    """The ``status_size``-bit value of entry ``index`` (entries laid out MSB first)."""
    if status_size < 1 or status_size > 8:
        raise StatusListError("statusSize must be between 1 and 8")
    value = 0
    for i in range(index * status_size, (index + 1) * status_size):
        value = (value << 1) | get_bit(bits, i)
    return value


def parse_index(value: object) -> int:
    """A ``statusListIndex`` (a base-10 string per the spec; an int is also accepted)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and re.fullmatch(r"0|[1-9][0-9]{0,11}", value):
        return int(value)
    raise StatusListError(f"invalid statusListIndex {value!r}")


def encode_list(bits: bytes | bytearray) -> str:
    """``encodedList``: GZIP (deterministic: mtime 0) then 'u' + base64url without padding."""
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_list(
    encoded: str,
    *,
    max_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    min_entries: int = 0,
) -> bytearray:
    """Decode an ``encodedList``; refuses more than ``max_bytes`` once decompressed.

    ``min_entries`` lets a verifier insist on the spec's minimum (pass ``MIN_ENTRIES``).
    """
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url ('u' prefix)")
    body = encoded[1:]
    if len(body) > DEFAULT_MAX_ENCODED_CHARS or not re.fullmatch(r"[A-Za-z0-9_-]+", body):
        raise StatusListError("encodedList is not base64url without padding, or too long")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise StatusListError("encodedList is not valid base64url") from exc
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP container only
    try:
        data = inflater.decompress(packed, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListError(f"encodedList is not valid GZIP: {exc}") from exc
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise StatusListError(f"status list larger than {max_bytes} bytes once decompressed")
    if not inflater.eof or inflater.unused_data:
        raise StatusListError("encodedList is truncated or has trailing data")
    if len(data) * 8 < min_entries:
        raise StatusListError(f"status list has fewer than {min_entries} entries")
    return bytearray(data)


def count_set(bits: bytes | bytearray) -> int:
    """How many entries of the list are set."""
    return int.from_bytes(bytes(bits), "big").bit_count()


def random_free_index(allocated: bytes | bytearray, rng, *, draws: int = 24) -> int:
    """An entry chosen uniformly at random among those whose bit in ``allocated`` is clear (the Bitstring Status
    List's "SHOULD be random": an index tells nothing about the holder or the order of issuance).

    ``rng`` has ``randrange`` (``secrets.SystemRandom()`` in production). Rejection sampling first (``draws``
    tries, enough while the list is mostly free), then, for a dense list, the k-th free entry for a random k: both
    uniform over the free entries. Raises ``StatusListError`` when every entry is taken."""
    size = len(allocated) * 8
    if size == 0:
        raise StatusListError("an empty status list has no entry to allocate")
    for _ in range(draws):
        index = rng.randrange(size)
        if not get_bit(allocated, index):
            return index
    free = size - count_set(allocated)
    if free <= 0:
        raise StatusListError("the status list is full")
    k = rng.randrange(free)
    for byte_no, byte in enumerate(allocated):
        if byte == 0xFF:
            continue
        zeros = 8 - bin(byte).count("1")
        if k >= zeros:
            k -= zeros
            continue
        for bit in range(8):
            if not byte & (0x80 >> bit):
                if k == 0:
                    return byte_no * 8 + bit
                k -= 1
    raise StatusListError("the status list is full")  # pragma: no cover - free > 0 guarantees a return above


def allocated_prefix(entries: int, count: int) -> bytearray:
    """An allocation map of ``entries`` bits whose first ``count`` are set: the entries a list handed out in
    sequence before allocation became random."""
    if not 0 <= count <= entries or entries % 8:
        raise StatusListError("invalid allocation prefix")
    bits = bytearray(entries // 8)
    full, rest = divmod(count, 8)
    bits[:full] = b"\xff" * full
    if rest:
        bits[full] = (0xFF << (8 - rest)) & 0xFF
    return bits
