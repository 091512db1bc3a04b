"""The offline QR code's payload (badges/compact.py), pure: round trip, every byte changed is refused, wrong key,
retired and compromised keys, status snapshots, and the size of the QR code at the certificate's printed size."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges import compact, media, signing

DID = "did:web:academy.flowstage.example"
T0 = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def payload(**kw):
    base = dict(issuer=DID, key_number=2, credential_id=uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e"),
                holder="Léa Martin", achievement="Audio Engineer — Flow Stage Ready",
                achievement_slug="audio-engineer-flow-stage-ready", valid_from=T0,
                valid_until=T0 + timedelta(days=3 * 365), status_list=1, status_index=98_765,
                signed_at=T0 + timedelta(days=10))
    base.update(kw)
    return compact.Payload(**base)


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


def trusted(key, **kw):
    return {f"{DID}#key-2": compact.TrustedKey(signing.public_key_bytes(key), T0 - timedelta(days=30), **kw)}


def snapshot(revoked=(), purpose="revocation"):
    bits = bytearray(131_072 // 8)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    return {1: compact.StatusSnapshot(1, purpose, NOW - timedelta(hours=2), bytes(bits))}


def test_base45_rfc9285_examples():
    assert compact.b45encode(b"AB") == "BB8"
    assert compact.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert compact.b45encode(b"base-45") == "UJCLQE7W581"
    assert compact.b45decode("QED8WEX0") == b"ietf!"
    for bad in ("GGW", "A", "ab1", "ZZ"):  # out of range, impossible length, not in the alphabet, pair > 255
        with pytest.raises(compact.CompactError):
            compact.b45decode(bad)


def test_cbor_is_deterministic_and_strict():
    assert compact.cbor_encode([23, 24, 255, 256, 65536, None, b"\x01", "é"]) == bytes.fromhex(
        "88" "17" "1818" "18ff" "190100" "1a00010000" "f6" "4101" "62c3a9")
    for bad in ("1817", "190017", "9f01ff", "8101ff" "00", "a0", "20", "f5", "8181" "01", "62c3"):
        with pytest.raises(compact.CompactError):
            compact.cbor_decode(bytes.fromhex(bad))


def test_round_trip(key):
    text = compact.sign(payload(), key)
    assert text.startswith("FS1:") and set(text[4:]) <= set(compact.B45)
    raw, sig = compact.split(text)
    assert compact.decode_payload(raw) == payload()
    result = compact.verify(text, trusted(key), snapshot(), now=NOW)
    assert result.verdict == compact.VALID and result.payload == payload()
    assert result.status_date == NOW - timedelta(hours=2)


def test_every_single_byte_change_is_refused(key):
    text = compact.sign(payload(), key)
    raw, sig = compact.split(text)
    body = raw + sig
    keys, snaps = trusted(key), snapshot()
    refused = 0
    for pos in range(len(body)):
        for flip in (0x01, 0x80, 0xFF):
            changed = bytearray(body)
            changed[pos] ^= flip
            result = compact.verify("FS1:" + compact.b45encode(bytes(changed)), keys, snaps, now=NOW)
            assert result.verdict != compact.VALID, (pos, flip)
            assert result.payload is None, (pos, flip)  # nothing of an altered code is shown as the issuer's
            refused += 1
    assert refused == 3 * len(body)
    # and every character of the text (another Base45 character in its place)
    for pos in range(4, len(text)):
        other = "0" if text[pos] != "0" else "1"
        assert compact.verify(text[:pos] + other + text[pos + 1:], keys, snaps, now=NOW).verdict != compact.VALID


def test_wrong_key_unknown_key_and_truncation(key):
    text = compact.sign(payload(), key)
    assert compact.verify(text, trusted(Ed25519PrivateKey.generate()), snapshot(), now=NOW).verdict == \
        compact.BAD_SIGNATURE
    assert compact.verify(compact.sign(payload(key_number=3), key), trusted(key), snapshot(),
                          now=NOW).verdict == compact.UNKNOWN_KEY
    other_issuer = compact.sign(payload(issuer="did:web:evil.example"), key)
    assert compact.verify(other_issuer, trusted(key), snapshot(), now=NOW).verdict == compact.UNKNOWN_KEY
    for bad in (text[:-3], text + "000", "https://academy.example.org/v/abc/", "FS2:" + text[4:], "", "FS1:"):
        assert compact.verify(bad, trusted(key), snapshot(), now=NOW).verdict in (
            compact.MALFORMED, compact.BAD_SIGNATURE)


def test_a_signature_of_another_kind_does_not_pass(key):
    """A status-snapshot signature over the same bytes is not a credential signature (domain separation)."""
    raw = compact.encode_payload(payload())
    forged = "FS1:" + compact.b45encode(raw + key.sign(compact.DOMAIN_STATUS + raw))
    assert compact.verify(forged, trusted(key), snapshot(), now=NOW).verdict == compact.BAD_SIGNATURE


def test_retired_key_verifies_what_it_signed_before_its_retirement_only(key):
    retired = trusted(key, valid_until=T0 + timedelta(days=20))
    assert compact.verify(compact.sign(payload(), key), retired, snapshot(), now=NOW).verdict == compact.VALID
    late = compact.sign(payload(signed_at=T0 + timedelta(days=21)), key)
    assert compact.verify(late, retired, snapshot(), now=NOW).verdict == compact.KEY_NOT_VALID
    early = compact.sign(payload(signed_at=T0 - timedelta(days=31)), key)  # before the key was published
    assert compact.verify(early, retired, snapshot(), now=NOW).verdict == compact.KEY_NOT_VALID


def test_compromised_key_verifies_nothing(key):
    keys = trusted(key, compromised=True)
    assert compact.verify(compact.sign(payload(), key), keys, snapshot(), now=NOW).verdict == compact.KEY_COMPROMISED


def test_status_and_dates(key):
    text = compact.sign(payload(), key)
    assert compact.verify(text, trusted(key), snapshot(revoked=[98_765]), now=NOW).verdict == compact.REVOKED
    assert compact.verify(text, trusted(key), snapshot(revoked=[98_765], purpose="suspension"),
                          now=NOW).verdict == compact.SUSPENDED
    assert compact.verify(text, trusted(key), snapshot(revoked=[98_764, 98_766]), now=NOW).verdict == compact.VALID
    assert compact.verify(text, trusted(key), {}, now=NOW).verdict == compact.STATUS_UNKNOWN
    assert compact.verify(text, trusted(key), snapshot(), now=T0 + timedelta(days=4 * 365)).verdict == compact.EXPIRED
    assert compact.verify(text, trusted(key), snapshot(), now=T0 - timedelta(days=1)).verdict == compact.NOT_YET_VALID
    no_end = compact.sign(payload(valid_until=None), key)
    assert compact.verify(no_end, trusted(key), snapshot(), now=T0 + timedelta(days=40 * 365)).verdict == compact.VALID


def test_status_snapshot_round_trip_and_tampering(key):
    bits = bytearray(131_072 // 8)
    bits[5] = 0x21
    blob = compact.sign_snapshot(issuer=DID, key_number=2, number=1, purpose="revocation", date=NOW,
                                 bits=bytes(bits), private_key=key)
    snap = compact.verify_snapshot(blob, trusted(key))
    assert (snap.number, snap.purpose, snap.date, snap.bits) == (1, "revocation", NOW, bytes(bits))
    for pos in range(len(blob)):
        changed = bytearray(blob)
        changed[pos] ^= 0x01
        with pytest.raises(compact.CompactError):
            compact.verify_snapshot(bytes(changed), trusted(key))
    with pytest.raises(compact.CompactError):
        compact.verify_snapshot(blob, trusted(key, compromised=True))
    with pytest.raises(compact.CompactError):
        compact.verify_snapshot(blob, trusted(key, valid_until=NOW - timedelta(days=1)))


def test_snapshot_decompression_bomb_is_refused(key):
    blob = compact.sign_snapshot(issuer=DID, key_number=2, number=1, purpose="revocation", date=NOW,
                                 bits=bytes(compact.MAX_SNAPSHOT_BITS_BYTES + 8), private_key=key)
    with pytest.raises(compact.CompactError, match="too large"):
        compact.verify_snapshot(blob, trusted(key))


def test_names_are_bounded_and_the_qr_stays_readable_at_the_printed_size(key):
    """Measured: a typical code is version 11 (61 modules), 0.66 mm a module at the certificate's 45.9 mm; the
    longest names the format allows still give modules of at least 0.4 mm."""
    typical = compact.sign(payload(), key)
    version, module_mm = media.qr_module_mm(typical)
    assert len(typical) < 360 and version <= 12 and module_mm >= 0.6
    worst = compact.sign(payload(holder="Éléonore-Marie " * 10, achievement="Ingénieur·e du son — " * 8,
                                 achievement_slug="s" * 120, status_index=2**31, status_list=2**20), key)
    assert compact.verify(worst, trusted(key), {}, now=NOW).payload.holder.endswith("…")
    version, module_mm = media.qr_module_mm(worst)
    assert module_mm >= 0.4, (version, module_mm)
    # the QR code is in alphanumeric mode (Base45 was chosen for it)
    import qrcode
    qr = qrcode.QRCode()
    qr.add_data(typical)
    qr.make(fit=True)
    assert {chunk.mode for chunk in qr.data_list} == {qrcode.util.MODE_ALPHA_NUM}
