// Offline verification of Flow Stage "FS1:" QR codes, in the browser (and in Node for the tests).
// The format and the rules are stated once, in badges/compact.py; this file applies the same rules:
// parse exactly -> the key is trusted and not compromised -> Ed25519 over the exact bytes -> the key was
// valid when it signed -> dates -> the status bit of the cached, signed status list.
// No dependency: the Ed25519 fallback (noble-ed25519) is passed in by the caller.

export const PREFIX = "FS1:";
const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const encoder = new TextEncoder();
export const DOMAIN_CREDENTIAL = encoder.encode("flowstage-offline-credential-v1\0");
export const DOMAIN_STATUS = encoder.encode("flowstage-offline-status-v1\0");
const SIGNATURE_BYTES = 64;
const MAX_TEXT_CHARS = 4296;
const MAX_BITS_BYTES = 2 * 1024 * 1024;

export class FormatError extends Error {}

export function b45decode(text) {
  if (text.length % 3 === 1) throw new FormatError("Base45 text of a length that no data has");
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const v = [];
    for (const c of text.slice(i, i + 3)) {
      const k = B45.indexOf(c);
      if (k < 0) throw new FormatError("not a Base45 character");
      v.push(k);
    }
    if (v.length === 3) {
      const n = v[0] + v[1] * 45 + v[2] * 2025;
      if (n > 0xffff) throw new FormatError("Base45 triple out of range");
      out.push(n >> 8, n & 0xff);
    } else {
      const n = v[0] + v[1] * 45;
      if (n > 0xff) throw new FormatError("Base45 pair out of range");
      out.push(n);
    }
  }
  return new Uint8Array(out);
}

// The strict CBOR subset of badges/compact.py: unsigned ints, byte and text strings, null, one top-level array.
export function cborDecode(data) {
  let pos = 0;
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  function head() {
    if (pos >= data.length) throw new FormatError("truncated CBOR");
    const first = data[pos++];
    if (first === 0xf6) return [7, null];
    const major = first >> 5, info = first & 0x1f;
    if (major === 7) throw new FormatError("CBOR simple value or float outside the format");
    if (info < 24) return [major, info];
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (!size) throw new FormatError("indefinite length or reserved CBOR head");
    if (pos + size > data.length) throw new FormatError("truncated CBOR");
    let n = 0n;
    for (let i = 0; i < size; i++) n = (n << 8n) | BigInt(data[pos++]);
    const least = size === 1 ? 24n : 1n << BigInt(4 * size);
    if (n < least) throw new FormatError("non-canonical CBOR integer head");
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError("CBOR integer too large");
    return [major, Number(n)];
  }
  function item(nested) {
    const [major, n] = head();
    if (major === 7) return null;
    if (major === 0) return n;
    if (major === 2 || major === 3) {
      if (pos + n > data.length) throw new FormatError("truncated CBOR string");
      const raw = data.slice(pos, pos + n);
      pos += n;
      if (major === 2) return raw;
      try { return utf8.decode(raw); } catch (e) { throw new FormatError("CBOR text is not UTF-8"); }
    }
    if (major === 4 && !nested) {
      if (n > 32) throw new FormatError("CBOR array too long");
      const list = [];
      for (let i = 0; i < n; i++) list.push(item(true));
      return list;
    }
    throw new FormatError("CBOR type outside the format");
  }
  const value = item(false);
  if (pos !== data.length) throw new FormatError("bytes after the CBOR item");
  return value;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const isText = (v) => typeof v === "string";
const isUint = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isBytes = (v) => v instanceof Uint8Array;
const SHAPE = [isText, isUint, isBytes, isText, isText, isText, isUint, (v) => v === null || isUint(v), isUint, isUint, isUint];

function uuidOf(bytes) {
  const h = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function parse(text) {
  if (typeof text !== "string" || text.length > MAX_TEXT_CHARS) throw new FormatError("not a compact credential");
  if (!text.startsWith(PREFIX)) throw new FormatError("no FS1: prefix");
  const body = b45decode(text.slice(PREFIX.length));
  if (body.length <= SIGNATURE_BYTES) throw new FormatError("too short to hold a signature");
  const raw = body.slice(0, -SIGNATURE_BYTES), signature = body.slice(-SIGNATURE_BYTES);
  const v = cborDecode(raw);
  if (!Array.isArray(v) || v.length !== SHAPE.length || !SHAPE.every((ok, i) => ok(v[i])))
    throw new FormatError("the payload is not the FS1 array");
  if (v[2].length !== 16 || !v[0].startsWith("did:web:")) throw new FormatError("malformed payload");
  const date = (s) => (s === null ? null : new Date(s * 1000));
  return {
    raw, signature,
    payload: {
      issuer: v[0], keyNumber: v[1], keyId: `${v[0]}#key-${v[1]}`, credentialId: uuidOf(v[2]), holder: v[3],
      achievement: v[4], achievementSlug: v[5], validFrom: date(v[6]), validUntil: date(v[7]),
      statusList: v[8], statusIndex: v[9], signedAt: date(v[10]),
    },
  };
}

export function b64urlDecode(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// Ed25519: WebCrypto where the browser has it, else the bundled implementation (``fallback.verifyAsync``).
export async function ed25519Verify(publicKey, signature, message, fallback) {
  let key = null;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch (e) {
    key = null;
  }
  if (key) return { ok: await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message), engine: "webcrypto" };
  if (!fallback) throw new Error("no Ed25519 implementation");
  let ok = false;
  try { ok = await fallback.verifyAsync(signature, message, publicKey, { zip215: false }); } catch (e) { ok = false; }
  return { ok, engine: "bundled" };
}

// The trust bundle's keys (/verify/scan/trust.json) by key id.
export function keysOf(bundle) {
  const keys = {};
  for (const k of bundle.keys || []) {
    keys[k.id] = {
      publicKey: b64urlDecode(k.publicKey), validFrom: new Date(k.validFrom),
      validUntil: k.validUntil ? new Date(k.validUntil) : null, compromised: k.status === "compromised",
    };
  }
  return keys;
}

function keyFailure(keys, keyId) {
  const key = keys[keyId];
  if (!key) return ["unknown_key", null];
  if (key.compromised) return ["key_compromised", null];
  return [null, key];
}

const windowOk = (key, at) => at >= key.validFrom && (!key.validUntil || at < key.validUntil);

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const reader = stream.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BITS_BYTES) { await reader.cancel(); throw new FormatError("status list too large"); }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// A signed status-list snapshot of the bundle -> {number, purpose, date, bits}; throws when it does not verify.
export async function verifySnapshot(encoded, keys, fallback) {
  const blob = b64urlDecode(encoded);
  if (blob.length <= SIGNATURE_BYTES) throw new FormatError("status snapshot too short");
  const raw = blob.slice(0, -SIGNATURE_BYTES), signature = blob.slice(-SIGNATURE_BYTES);
  const v = cborDecode(raw);
  const shape = [isText, isUint, isUint, isText, isUint, isBytes];
  if (!Array.isArray(v) || v.length !== 6 || !shape.every((ok, i) => ok(v[i]))) throw new FormatError("malformed status snapshot");
  const date = new Date(v[4] * 1000);
  const [failure, key] = keyFailure(keys, `${v[0]}#key-${v[1]}`);
  if (failure) throw new FormatError(`status snapshot: ${failure}`);
  const { ok } = await ed25519Verify(key.publicKey, signature, concat(DOMAIN_STATUS, raw), fallback);
  if (!ok) throw new FormatError("bad signature on the status snapshot");
  if (!windowOk(key, date)) throw new FormatError("the status snapshot's key did not sign at its date");
  return { number: v[2], purpose: v[3], date, bits: await gunzip(v[5]) };
}

// Every verifiable snapshot of the bundle by list number (a list that does not verify is left out: its
// credentials show an unknown status).
export async function snapshotsOf(bundle, keys, fallback) {
  const out = {};
  for (const entry of bundle.statusLists || []) {
    try {
      const s = await verifySnapshot(entry.snapshot, keys, fallback);
      if (s.number === entry.number) out[s.number] = s;
    } catch (e) {
      /* left out */
    }
  }
  return out;
}

// Verify a scanned text -> {verdict, payload?, statusDate?, engine?, reason?}. Never throws.
export async function verify(text, keys, snapshots, fallback, now = new Date()) {
  let parsed;
  try {
    parsed = parse(text);
  } catch (e) {
    return { verdict: "malformed", reason: e.message };
  }
  const { raw, signature, payload } = parsed;
  const [failure, key] = keyFailure(keys, payload.keyId);
  if (failure) return { verdict: failure };
  let check;
  try {
    check = await ed25519Verify(key.publicKey, signature, concat(DOMAIN_CREDENTIAL, raw), fallback);
  } catch (e) {
    return { verdict: "bad_signature", reason: e.message };
  }
  if (!check.ok) return { verdict: "bad_signature", engine: check.engine };
  const engine = check.engine;
  if (!windowOk(key, payload.signedAt)) return { verdict: "key_not_valid", engine };
  // As the full verifier: a revoked (or suspended) credential says so first, then the dates.
  const list = snapshots[payload.statusList];
  const known = list && payload.statusIndex < list.bits.length * 8;
  const statusDate = known ? list.date : null;
  if (known && list.bits[payload.statusIndex >> 3] & (0x80 >> (payload.statusIndex & 7)))
    return { verdict: list.purpose === "suspension" ? "suspended" : "revoked", payload, statusDate, engine };
  if (payload.validFrom > now) return { verdict: "not_yet_valid", payload, statusDate, engine };
  if (payload.validUntil && payload.validUntil < now) return { verdict: "expired", payload, statusDate, engine };
  if (!known) return { verdict: "status_unknown", payload, engine };
  return { verdict: "valid", payload, statusDate, engine };
}
