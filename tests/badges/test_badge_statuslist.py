"""Bitstring Status List helpers (``badges.statuslist``)."""

import base64
import gzip

import pytest

from badges import statuslist
from badges.statuslist import StatusListError

# The all-zero 131,072-entry list of the W3C Bitstring Status List v1.0 examples.
W3C_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_minimum_size():
    bits = statuslist.new_bitstring()
    assert len(bits) == 16384 and not any(bits)
    for bad in (131_064, 131_073, 8):
        with pytest.raises(StatusListError):
            statuslist.new_bitstring(bad)


@pytest.mark.parametrize("index, byte, value", [(0, 0, 0x80), (1, 0, 0x40), (7, 0, 0x01),
                                                (8, 1, 0x80), (131_071, 16383, 0x01)])
def test_bit_order_leftmost_first(index, byte, value):
    bits = statuslist.new_bitstring()
    statuslist.set_bit(bits, index)
    assert bits[byte] == value and sum(bits) == value
    assert statuslist.get_bit(bits, index)
    statuslist.set_bit(bits, index, False)
    assert not any(bits)


def test_index_bounds():
    bits = statuslist.new_bitstring()
    for bad in (-1, 131_072, "3", True, 1.0):
        with pytest.raises(StatusListError):
            statuslist.get_bit(bits, bad)


def test_parse_index():
    assert statuslist.parse_index("94567") == 94567
    assert statuslist.parse_index(0) == 0
    for bad in ("-1", "01", "1e3", "", None, -3, "9" * 20):
        with pytest.raises(StatusListError):
            statuslist.parse_index(bad)


def test_multi_bit_status():
    bits = statuslist.new_bitstring()
    statuslist.set_bit(bits, 2)  # entry 1 of size 2 is bits 2..3 -> 0b10
    assert statuslist.get_status(bits, 1, 2) == 2
    assert statuslist.get_status(bits, 0, 2) == 0


def test_encode_decode_round_trip():
    bits = statuslist.new_bitstring(262_144)
    for index in (0, 5, 94_567, 262_143):
        statuslist.set_bit(bits, index)
    encoded = statuslist.encode_list(bits)
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    assert gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "==")) == bytes(bits)
    assert statuslist.decode_list(encoded) == bits
    assert statuslist.encode_list(bits) == encoded  # deterministic


def test_decodes_the_w3c_example_list():
    bits = statuslist.decode_list(W3C_EMPTY_LIST, min_entries=statuslist.MIN_ENTRIES)
    assert len(bits) == 16384 and not any(bits)


def test_decompression_bomb_rejected():
    bomb = gzip.compress(bytes(64 * 1024 * 1024))  # 64 MiB of zeros, ~64 KiB compressed
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    assert len(encoded) < 200_000
    with pytest.raises(StatusListError, match="larger than"):
        statuslist.decode_list(encoded)


def test_small_list_rejected_on_request():
    encoded = statuslist.encode_list(bytes(8))
    assert len(statuslist.decode_list(encoded)) == 8
    with pytest.raises(StatusListError):
        statuslist.decode_list(encoded, min_entries=statuslist.MIN_ENTRIES)


@pytest.mark.parametrize(
    "encoded",
    [
        None,
        "",
        "u",
        "zabc",  # base58btc prefix: not allowed
        W3C_EMPTY_LIST[1:],  # no multibase prefix
        W3C_EMPTY_LIST + "==",  # padding
        W3C_EMPTY_LIST[:-6],  # truncated
        "u" + base64.urlsafe_b64encode(bytes(16)).rstrip(b"=").decode(),  # not gzip
        "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16), mtime=0) + b"junk").rstrip(b"=").decode(),
        "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16), mtime=0) * 2).rstrip(b"=").decode(),
    ],
)
def test_malformed_lists_rejected(encoded):
    with pytest.raises(StatusListError):
        statuslist.decode_list(encoded)
