/* Exam autosave and timer. Progressive enhancement: without JS the form posts every answer.

   Autosave (issue 16): the page keeps working for a student whose saves are slow or failing.
   - One save in flight for the whole page; the questions changed meanwhile wait in a queue, coalesced by
     question: what is sent is the question's state at the moment it leaves, so the latest answer wins and
     two saves of one question never race (an older answer cannot land after a newer one).
   - Unchanged answers are not sent again.
   - A failed save (a busy or failing server, 429 / 5xx, or no answer at all) is tried again after a delay:
     the server's Retry-After when it gives one, otherwise a growing backoff (2, 4, 8, 16, 32, 60 s). While
     it waits, the whole queue waits (a busy server is not hammered); a refused answer (4xx) is not retried.
   - Every answer not yet acknowledged is kept in localStorage under the attempt, so a reload or a crash
     loses nothing typed: on load, the page puts such answers back and saves them. An answer's copy is
     removed once the server has acknowledged that very answer.
   - The state is told truthfully, in the sticky timer card ("Enregistrement…", "Enregistré à 10:42:13",
     "Non enregistré, nouvel essai dans 5 s") and per question, and announced to screen readers through one
     polite live region, on each change of state (not on each second of a countdown).
   - The timer is shown every second but announced to screen readers once a minute. */
(function () {
  "use strict";
  var form = document.getElementById("exam-form");
  if (!form) return;
  var d = form.dataset;
  var api = d.api;
  var live = document.getElementById("save-status");
  var summary = document.getElementById("save-summary");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var lang = document.documentElement.lang || "fr";
  var BACKOFF = [2, 4, 8, 16, 32, 60];

  var fieldsets = {};     // question id -> its fieldset
  var acked = {};         // question id -> the body the server holds (rendered with the page, then acknowledged)
  var queue = [];         // question ids waiting to be sent, in the order they changed
  var inFlight = null;    // {id, body}: the one save on its way
  var refused = {};       // question id -> true while its answer stands refused (4xx)
  var failures = 0;       // consecutive failed saves (the backoff grows with them)
  var retryAt = 0;        // when the queue is tried again after a failure (ms since epoch), 0 if not waiting
  var retryTimer = null, countdown = null, slowTimer = null;
  var lastSavedAt = null; // when the server last acknowledged a save
  var typing = {};
  var settleWaiters = [];

  // ---- what a question's inputs say, and putting an answer back into them ----
  function responseOf(fs) {
    var id = fs.dataset.qid, type = fs.dataset.qtype, name = "q-" + id;
    var checked = function () { return fs.querySelector("input[name='" + name + "']:checked"); };
    switch (type) {
      case "single": var c = checked(); return { choice: c ? c.value : "" };
      case "multiple":
        return { choices: Array.prototype.map.call(fs.querySelectorAll("input[name='" + name + "']:checked"), function (i) { return i.value; }) };
      case "truefalse": var t = checked(); return { value: t ? t.value : "" };
      case "numeric": return { value: fs.querySelector("input[name='" + name + "']").value.trim() };
      case "short": return { text: fs.querySelector("input[name='" + name + "']").value };
      case "matching":
        var pairs = {};
        fs.querySelectorAll("select[data-left]").forEach(function (s) { pairs[s.dataset.left] = s.value; });
        return { pairs: pairs };
      case "ordering":
        // One entry per position, null where none was chosen (the others keep their positions).
        return { order: Array.prototype.map.call(fs.querySelectorAll("select[data-rank]"), function (s) { return s.value || null; }) };
    }
    return {};
  }

  function applyResponse(fs, r) {
    var name = "q-" + fs.dataset.qid;
    r = r || {};
    switch (fs.dataset.qtype) {
      case "single":
        fs.querySelectorAll("input[name='" + name + "']").forEach(function (i) { i.checked = i.value === r.choice; });
        break;
      case "multiple":
        var chosen = r.choices || [];
        fs.querySelectorAll("input[name='" + name + "']").forEach(function (i) { i.checked = chosen.indexOf(i.value) >= 0; });
        break;
      case "truefalse":
        fs.querySelectorAll("input[name='" + name + "']").forEach(function (i) { i.checked = i.value === String(r.value); });
        break;
      case "numeric": fs.querySelector("input[name='" + name + "']").value = r.value || ""; break;
      case "short": fs.querySelector("input[name='" + name + "']").value = r.text || ""; break;
      case "matching":
        var pairs = r.pairs || {};
        fs.querySelectorAll("select[data-left]").forEach(function (s) { s.value = pairs[s.dataset.left] || ""; });
        break;
      case "ordering":
        var order = r.order || [];
        fs.querySelectorAll("select[data-rank]").forEach(function (s, i) { s.value = order[i] || ""; });
        break;
    }
  }

  function bodyOf(id) { return JSON.stringify({ response: responseOf(fieldsets[id]) }); }

  // ---- the answers not yet acknowledged, kept in the browser under the attempt ----
  var KEY = "fsa-exam-drafts-" + d.attempt;
  var drafts = {};
  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  function readDrafts() {
    var s = storage();
    if (!s) return {};
    try {
      // Copies left by other attempts for more than a week are dropped (their exams are long closed).
      for (var i = s.length - 1; i >= 0; i--) {
        var k = s.key(i);
        if (k && k.indexOf("fsa-exam-drafts-") === 0 && k !== KEY) {
          var old = JSON.parse(s.getItem(k) || "{}");
          if (!old.t || Date.now() - old.t > 7 * 86400000) s.removeItem(k);
        }
      }
      return (JSON.parse(s.getItem(KEY) || "{}").answers) || {};
    } catch (e) { return {}; }
  }
  function writeDrafts() {
    var s = storage();
    if (!s) return;
    try {
      if (Object.keys(drafts).length) s.setItem(KEY, JSON.stringify({ t: Date.now(), answers: drafts }));
      else s.removeItem(KEY);
    } catch (e) { /* full or forbidden: the page still holds the answers */ }
  }
  function keepDraft(id, body) {
    if (drafts[id] === body) return;
    drafts[id] = body; writeDrafts();
  }
  function dropDraft(id, body) {
    if (id in drafts && (body === undefined || drafts[id] === body)) { delete drafts[id]; writeDrafts(); }
  }
  function dropAllDrafts() { drafts = {}; writeDrafts(); }

  // ---- telling the state ----
  function setState(fs, state, text) {
    var el = document.getElementById("state-" + fs.dataset.qid);
    if (el) { el.dataset.state = state; el.textContent = text; }
  }
  function clock(t) {
    try { return t.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }); }
    catch (e) { return t.toTimeString().slice(0, 8); }
  }
  function secondsToRetry() { return Math.max(1, Math.ceil((retryAt - Date.now()) / 1000)); }
  var shown = { state: null, text: null };
  function render() {
    var state, text;
    var refusedIds = Object.keys(refused);
    if (inFlight) { state = "saving"; text = d.msgSaving; }
    else if (retryAt) { state = "retry"; text = d.msgRetry.replace("%(s)s", secondsToRetry()); }
    else if (refusedIds.length) {
      state = "error";
      text = d.msgRefusedQ.replace("%(n)s", refusedIds.map(function (id) { return fieldsets[id].dataset.position; }).join(", "));
    }
    else if (lastSavedAt) { state = "saved"; text = d.msgSavedAt.replace("%(time)s", clock(lastSavedAt)); }
    else { state = "idle"; text = ""; }
    if (summary) { summary.dataset.state = state; summary.textContent = text; }
    if (state !== shown.state) {
      // Screen readers hear each change of state once; "saving" only when a save is slow (over 1.5 s).
      clearTimeout(slowTimer);
      if (state === "saving") {
        slowTimer = setTimeout(function () { if (inFlight) live.textContent = d.msgSaving; }, 1500);
      } else if (text) {
        live.textContent = text;
      }
    }
    shown.state = state; shown.text = text;
    if (!inFlight && !queue.length) {
      var waiters = settleWaiters; settleWaiters = [];
      waiters.forEach(function (resolve) { resolve(); });
    }
  }

  // ---- the queue ----
  function enqueue(id) {
    var body = bodyOf(id);
    delete refused[id];
    if (body === acked[id] && !(inFlight && inFlight.id === id)) {
      // back to what the server holds: nothing to send
      var at = queue.indexOf(id);
      if (at >= 0) queue.splice(at, 1);
      dropDraft(id);
      setState(fieldsets[id], "saved", d.msgSaved);
      render();
      return;
    }
    keepDraft(id, body);
    if (queue.indexOf(id) < 0) queue.push(id);
    if (inFlight || retryAt) setState(fieldsets[id], "queued", retryAt ? d.msgRetryQ : d.msgQueued);
    pump();
  }

  function pump() {
    if (inFlight || retryAt) { render(); return; }
    while (queue.length) {
      var id = queue.shift(), body = bodyOf(id);
      if (body === acked[id]) { dropDraft(id); setState(fieldsets[id], "saved", d.msgSaved); continue; }
      inFlight = { id: id, body: body };
      keepDraft(id, body);
      send(id, body);
      break;
    }
    render();
  }

  function send(id, body) {
    var fs = fieldsets[id];
    setState(fs, "saving", d.msgSaving);
    fetch(api + "/answers/" + id, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf,
                 "Accept-Language": lang },  // refusals in the page's language
      body: body
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.ok) return saved(id, body, j);
        if (r.status === 409) { dropAllDrafts(); window.location.href = d.resultUrl; return; }
        // The server answered but did not save: say what it said (a refused answer, a busy server), never
        // "check your connection", which is only for a request that did not reach it (below).
        var said = (j && j.localized && j.localized.detail) || (j && j.detail);
        said = typeof said === "string" && said ? said : null;
        if (r.status === 429 || r.status >= 500) {
          failed(id, "server-error", said || d.msgServer, parseInt(r.headers.get("Retry-After"), 10));
        } else {
          refusedAnswer(id, said || d.msgRefused);
        }
      });
    }, function () {
      // fetch() itself failed: the request never got an answer (offline, network cut)
      failed(id, "offline", d.msgOffline, NaN);
    });
  }

  function saved(id, body, j) {
    inFlight = null;
    failures = 0;
    acked[id] = body;
    dropDraft(id, body);  // a newer answer typed meanwhile keeps its copy (and is in the queue)
    lastSavedAt = new Date();  // the moment the server acknowledged it, on the clock the student sees
    if (bodyOf(id) === body) setState(fieldsets[id], "saved", d.msgSaved);
    else if (queue.indexOf(id) < 0) queue.push(id);
    pump();
  }

  function refusedAnswer(id, why) {
    inFlight = null;
    refused[id] = true;
    setState(fieldsets[id], "error", why);
    pump();
  }

  function failed(id, state, why, retryAfter) {
    inFlight = null;
    failures += 1;
    var at = queue.indexOf(id);
    if (at >= 0) queue.splice(at, 1);
    queue.unshift(id);  // tried first when the wait is over (with its answer at that moment)
    var wait;
    if (retryAfter > 0) wait = Math.min(retryAfter, 300);  // the server said when (429, 503)
    else {
      var base = BACKOFF[Math.min(failures, BACKOFF.length) - 1];
      wait = Math.max(1, Math.round(base * (0.8 + Math.random() * 0.4)));  // jitter: not all at once
    }
    setState(fieldsets[id], state, why);
    queue.forEach(function (q) { if (q !== id) setState(fieldsets[q], "queued", d.msgRetryQ); });
    waitThenRetry(wait);
  }

  function waitThenRetry(seconds) {
    clearTimeout(retryTimer); clearInterval(countdown);
    retryAt = Date.now() + seconds * 1000;
    retryTimer = setTimeout(retryNow, seconds * 1000);
    countdown = setInterval(function () {
      if (summary && retryAt) summary.textContent = d.msgRetry.replace("%(s)s", secondsToRetry());
    }, 1000);
    render();
  }

  function retryNow() {
    clearTimeout(retryTimer); clearInterval(countdown);
    retryAt = 0;
    pump();
  }

  // Resolves when nothing waits to be sent, or after `ms` whatever happens.
  function settled(ms) {
    return new Promise(function (resolve) {
      settleWaiters.push(resolve);
      setTimeout(resolve, ms);
      render();
    });
  }

  // ---- wiring ----
  form.querySelectorAll("fieldset.question").forEach(function (fs) {
    var id = fs.dataset.qid;
    fieldsets[id] = fs;
    acked[id] = bodyOf(id);
    fs.addEventListener("change", function () { clearTimeout(typing[id]); enqueue(id); });
    fs.addEventListener("input", function (e) {
      if (e.target.tagName !== "INPUT" || (e.target.type !== "text")) return;
      keepDraft(id, bodyOf(id));  // at once: a reload in the next second loses nothing
      clearTimeout(typing[id]);
      typing[id] = setTimeout(function () { enqueue(id); }, 800);
    });
  });
  // Answers typed before a reload (or a crash) that the server had not acknowledged: put back and saved.
  var kept = readDrafts();
  Object.keys(kept).forEach(function (id) {
    if (!fieldsets[id]) return;
    drafts[id] = kept[id];
    if (kept[id] === acked[id]) return;
    try { applyResponse(fieldsets[id], JSON.parse(kept[id]).response); } catch (e) { return; }
    queue.push(id);
  });
  Object.keys(drafts).forEach(function (id) { if (!fieldsets[id] || drafts[id] === acked[id]) delete drafts[id]; });
  writeDrafts();
  pump();
  window.addEventListener("online", function () { if (retryAt) retryNow(); });
  form.addEventListener("submit", function () {
    // Posted without JavaScript's help: the form carries every answer, the copies are no longer needed.
    dropAllDrafts();
  });

  // Timer: the server owns the deadline; we only count down the seconds it gave us.
  var box = document.getElementById("exam-timer");
  var visible = document.getElementById("timer-visible");
  var sr = document.getElementById("timer-sr");
  var end = Date.now() + parseInt(box.dataset.secondsLeft, 10) * 1000;
  var lastMinute = null, done = false;
  function fmt(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(sec).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    visible.textContent = fmt(left);
    box.classList.toggle("is-low", left < 300);
    var minutes = Math.ceil(left / 60);
    if (minutes !== lastMinute && left > 0) {
      lastMinute = minutes;
      sr.textContent = minutes === 1 ? d.msgMinute : d.msgMinutes.replace("%(n)s", minutes);
    }
    if (left === 0 && !done) {
      done = true;
      sr.textContent = d.msgTimeup;
      Object.keys(fieldsets).forEach(function (id) { if (queue.indexOf(id) < 0 && bodyOf(id) !== acked[id]) queue.push(id); });
      if (retryAt) retryNow();  // time is up: the last chance to save, whatever the backoff said
      else pump();
      settled(10000).then(function () {
        fetch(api + "/submit", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
          .finally(function () { window.location.href = d.resultUrl; });
      });
    }
  }
  tick();
  setInterval(tick, 1000);
})();
