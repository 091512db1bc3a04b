// The offline verification page (/verify/scan/): installs its service worker, keeps the trust bundle (issuer
// keys, signed status-list snapshots) and verifies a QR code read from a photo or the camera, all in the browser.
// Texts come translated from the page (data-msg-* attributes of #scan-app); rules: fsverify.js.
const app = document.getElementById("scan-app");
const msg = (name) => app.dataset["msg" + name.replace(/(^|_)(\w)/g, (m, s, c) => c.toUpperCase())] || name;
const lang = document.documentElement.lang || "fr";
const STORE = "fs-scan-trust";
let fsverify = null, noble = null, trust = null, keys = {}, snapshots = {};

const fmtDate = (d) => new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(d);
const fmtDateTime = (d) => new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" }).format(d);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function loadModules() {
  fsverify = await import(app.dataset.fsverifyUrl);
  try {
    noble = await import(app.dataset.nobleUrl);
  } catch (e) {
    noble = null; // WebCrypto's Ed25519 may still be there
  }
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register(app.dataset.swUrl, { scope: app.dataset.scope });
  } catch (e) {
    /* the page still verifies while online */
  }
}

async function useBundle(bundle) {
  trust = bundle;
  keys = fsverify.keysOf(bundle);
  snapshots = await fsverify.snapshotsOf(bundle, keys, noble);
  const dates = Object.values(snapshots).map((s) => s.date);
  const line = document.getElementById("scan-trust");
  line.textContent = dates.length
    ? msg("trust_as_of").replace("%(date)s", fmtDateTime(new Date(Math.min(...dates))))
    : msg("trust_missing");
  app.dataset.trustReady = "1";
  app.dataset.trustGenerated = bundle.generated;
}

// The bundle from the network when online (the service worker keeps a copy), else the copy kept here.
async function refreshTrust() {
  let bundle = null;
  try {
    const resp = await fetch(app.dataset.trustUrl, { cache: "no-store", credentials: "omit" });
    if (resp.ok) bundle = await resp.json();
  } catch (e) {
    bundle = null;
  }
  if (bundle) {
    try { localStorage.setItem(STORE, JSON.stringify(bundle)); } catch (e) { /* private mode: the worker's copy */ }
  } else {
    try { bundle = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { bundle = null; }
  }
  if (bundle) await useBundle(bundle);
  else document.getElementById("scan-trust").textContent = msg("trust_missing");
}

function showOnline() {
  const badge = document.getElementById("scan-network");
  badge.textContent = navigator.onLine ? msg("online") : msg("offline");
  badge.className = "scan-network " + (navigator.onLine ? "scan-network--on" : "scan-network--off");
}

const GOOD = new Set(["valid"]);
const WARN = new Set(["expired", "not_yet_valid", "status_unknown", "suspended"]);

function achievementName(p) {
  const known = trust && trust.achievements && trust.achievements[p.achievementSlug];
  return known && known.signed === p.achievement ? known[lang] || p.achievement : p.achievement;
}

function render(result, text) {
  const box = document.getElementById("scan-result");
  box.replaceChildren();
  box.hidden = false;
  const kind = GOOD.has(result.verdict) ? "ok" : WARN.has(result.verdict) ? "warn" : "bad";
  const card = el("article", `scan-card scan-card--${kind}`);
  card.dataset.verdict = result.verdict;
  const head = el("header", "scan-card__head");
  head.append(el("span", "scan-card__icon", kind === "ok" ? "✓" : kind === "warn" ? "!" : "✕"));
  head.append(el("h2", "scan-card__verdict", msg("verdict_" + result.verdict)));
  card.append(head);
  if (result.statusDate) {
    card.append(el("p", "scan-card__status", msg("status_as_of").replace("%(date)s", fmtDateTime(result.statusDate))));
  }
  const explain = msg("explain_" + result.verdict);
  if (explain !== "explain_" + result.verdict) card.append(el("p", "scan-card__explain", explain));
  const p = result.payload;
  if (p) {
    const dl = el("dl", "scan-card__facts");
    const row = (label, value) => { dl.append(el("dt", "", label), el("dd", "", value)); };
    row(msg("holder"), p.holder);
    row(msg("achievement"), achievementName(p));
    row(msg("issuer"), trust && trust.issuer && trust.issuer.id === p.issuer ? trust.issuer.name : p.issuer);
    row(msg("issued_on"), fmtDate(p.validFrom));
    row(msg("valid_until"), p.validUntil ? fmtDate(p.validUntil) : msg("no_end"));
    row(msg("credential_id"), p.credentialId);
    card.append(dl);
  }
  if (result.verdict === "link") {
    const a = el("a", "scan-card__link", text);
    a.href = text;
    a.rel = "noopener";
    card.append(a);
  }
  if (result.engine) card.append(el("p", "scan-card__engine", msg("engine_" + result.engine)));
  box.append(card);
  card.tabIndex = -1;
  card.focus();
}

async function handleText(text) {
  if (!fsverify) return;
  if (/^https?:\/\//i.test(text)) {
    render({ verdict: "link" }, text);
    return;
  }
  render(await fsverify.verify(text, keys, snapshots, noble), text);
}

// ---------------------------------------------------------------------------------------------- decoding
function detector() {
  return "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
}

async function decodeSource(source, width, height) {
  const det = detector();
  if (det) {
    try {
      const found = await det.detect(source);
      if (found.length) return found[0].rawValue;
    } catch (e) {
      /* fall back to the bundled decoder */
    }
  }
  if (!window.jsQR) return null;
  const scale = Math.min(1, 1600 / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const code = window.jsQR(image.data, image.width, image.height);
  return code ? code.data : null;
}

async function onFile(event) {
  const file = event.target.files && event.target.files[0];
  if (!file) return;
  const status = document.getElementById("scan-reading");
  status.textContent = msg("reading");
  let text = null;
  try {
    const bitmap = await createImageBitmap(file);
    text = await decodeSource(bitmap, bitmap.width, bitmap.height);
  } catch (e) {
    text = null;
  }
  status.textContent = "";
  if (text) await handleText(text);
  else render({ verdict: "no_code" });
  event.target.value = "";
}

let stream = null;
async function startCamera() {
  const video = document.getElementById("scan-video");
  const button = document.getElementById("scan-camera");
  if (stream) return stopCamera();
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (e) {
    render({ verdict: "no_camera" });
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  button.textContent = msg("stop_camera");
  await video.play();
  const tick = async () => {
    if (!stream) return;
    if (video.readyState >= 2) {
      const text = await decodeSource(video, video.videoWidth, video.videoHeight);
      if (text) {
        stopCamera();
        await handleText(text);
        return;
      }
    }
    setTimeout(tick, 250);
  };
  tick();
}

function stopCamera() {
  const video = document.getElementById("scan-video");
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = null;
  video.hidden = true;
  document.getElementById("scan-camera").textContent = msg("camera");
}

async function main() {
  showOnline();
  window.addEventListener("online", () => { showOnline(); refreshTrust(); });
  window.addEventListener("offline", showOnline);
  document.getElementById("scan-file").addEventListener("change", onFile);
  const camera = document.getElementById("scan-camera");
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) camera.addEventListener("click", startCamera);
  else camera.hidden = true;
  await loadModules();
  await Promise.all([registerWorker(), refreshTrust()]);
}

main();
