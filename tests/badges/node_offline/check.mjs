// The browser's FS1 verifier (badges/static/badges/scan/fsverify.js) run by Node on vectors made by Python:
// usage: node check.mjs FSVERIFY_COPY.mjs NOBLE_COPY.mjs INPUT.json
// INPUT = {"bundle": <trust bundle>, "cases": [{"text": "...", "now": "<iso>"}]}
// Prints one JSON line: {"verdicts": [...], "flipped": {"total": n, "accepted": k}} where "flipped" changes every
// byte of the first case's body (3 ways) and counts the changed codes that still verify (must be 0).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const fs = await import(pathToFileURL(process.argv[2]).href);
const noble = await import(pathToFileURL(process.argv[3]).href);
const input = JSON.parse(readFileSync(process.argv[4], "utf8"));
const keys = fs.keysOf(input.bundle);
const snapshots = await fs.snapshotsOf(input.bundle, keys, noble);
const verdicts = [];
for (const c of input.cases) verdicts.push((await fs.verify(c.text, keys, snapshots, noble, new Date(c.now))).verdict);

const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
function b45encode(bytes) {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = bytes[i] * 256 + bytes[i + 1];
    out += B45[n % 45] + B45[Math.floor(n / 45) % 45] + B45[Math.floor(n / 2025)];
  }
  if (bytes.length % 2) { const n = bytes[bytes.length - 1]; out += B45[n % 45] + B45[Math.floor(n / 45)]; }
  return out;
}
const first = input.cases[0];
const body = fs.b45decode(first.text.slice(4));
let total = 0, accepted = 0;
for (let pos = 0; pos < body.length; pos++) {
  for (const flip of [0x01, 0x80, 0xff]) {
    const changed = body.slice();
    changed[pos] ^= flip;
    const r = await fs.verify("FS1:" + b45encode(changed), keys, snapshots, noble, new Date(first.now));
    total++;
    if (r.verdict === "valid" || r.payload) accepted++;
  }
}
const roundTrip = b45encode(body) === first.text.slice(4);
console.log(JSON.stringify({ verdicts, flipped: { total, accepted }, roundTrip, engine: (await fs.verify(first.text, keys, snapshots, noble, new Date(first.now))).engine }));
