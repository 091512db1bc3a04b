/* Exam autosave and timer. Progressive enhancement: without JS the form posts every answer.
   - each answer is saved (PUT) when it changes; unchanged answers are not sent again;
   - a visible "saved" state per question, and one polite live region for screen readers;
   - the timer is shown every second but announced to screen readers once a minute. */
(function () {
  "use strict";
  var form = document.getElementById("exam-form");
  if (!form) return;
  var api = form.dataset.api;
  var live = document.getElementById("save-status");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var lastSent = {};
  var timers = {};

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

  function setState(fs, state, text) {
    var el = document.getElementById("state-" + fs.dataset.qid);
    if (el) { el.dataset.state = state; el.textContent = text; }
  }

  // One save in flight per question: a change made while one is on its way waits for it, then sends the
  // question's state at that moment. Two PUTs of one question never race, so an older answer (a partial
  // ordering, say) can never land after a newer one.
  var inFlight = {}, queued = {};
  function save(fs) {
    var id = fs.dataset.qid;
    if (inFlight[id]) {
      if (!queued[id]) {
        queued[id] = inFlight[id].then(function () { queued[id] = null; return save(fs); });
      }
      return queued[id];
    }
    var body = JSON.stringify({ response: responseOf(fs) });
    if (lastSent[id] === body) return Promise.resolve(true);  // unchanged: skip
    inFlight[id] = send(fs, id, body).finally(function () { inFlight[id] = null; });
    return inFlight[id];
  }

  function send(fs, id, body) {
    setState(fs, "saving", form.dataset.msgSaving);
    return fetch(api + "/answers/" + id, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf,
                 "Accept-Language": document.documentElement.lang || "fr" },  // refusals in the page's language
      body: body
    }).then(function (r) {
      if (r.ok) {
        lastSent[id] = body;
        setState(fs, "saved", form.dataset.msgSaved);
        live.textContent = form.dataset.msgSavedQ.replace("%(n)s", fs.dataset.position);
        return true;
      }
      if (r.status === 409) { window.location.href = form.dataset.resultUrl; return false; }
      // The server answered but did not save: say what it said (a refused answer, a busy server), never
      // "check your connection", which is only for a request that did not reach it (below).
      return r.json().catch(function () { return {}; }).then(function (j) {
        var said = (j && j.localized && j.localized.detail) || (j && j.detail);
        var why = typeof said === "string" && said ? said :
          (r.status >= 500 ? form.dataset.msgServer : form.dataset.msgRefused);
        setState(fs, r.status >= 500 ? "server-error" : "error", why);
        live.textContent = why;
        var wait = parseInt(r.headers.get("Retry-After"), 10);
        if (r.status === 503 && wait > 0 && wait < 120) {
          setTimeout(function () { save(fs); }, wait * 1000);  // a busy server: try again when it says
        }
        return false;
      });
    }).catch(function () {
      // fetch() itself failed: the request never got an answer (offline, network cut)
      setState(fs, "offline", form.dataset.msgOffline);
      live.textContent = form.dataset.msgOffline;
      return false;
    });
  }

  form.querySelectorAll("fieldset.question").forEach(function (fs) {
    lastSent[fs.dataset.qid] = JSON.stringify({ response: responseOf(fs) });
    fs.addEventListener("change", function () { save(fs); });
    fs.addEventListener("input", function (e) {
      if (e.target.tagName !== "INPUT" || (e.target.type !== "text")) return;
      clearTimeout(timers[fs.dataset.qid]);
      timers[fs.dataset.qid] = setTimeout(function () { save(fs); }, 800);
    });
  });
  // Retry answers that failed to save (network blips, a busy or failing server).
  setInterval(function () {
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      var el = document.getElementById("state-" + fs.dataset.qid);
      if (el && /^(error|server-error|offline)$/.test(el.dataset.state)) save(fs);
    });
  }, 10000);

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
      sr.textContent = minutes === 1 ? form.dataset.msgMinute : form.dataset.msgMinutes.replace("%(n)s", minutes);
    }
    if (left === 0 && !done) {
      done = true;
      sr.textContent = form.dataset.msgTimeup;
      var pending = Array.prototype.map.call(form.querySelectorAll("fieldset.question"), save);
      Promise.all(pending).finally(function () {
        fetch(api + "/submit", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
          .finally(function () { window.location.href = form.dataset.resultUrl; });
      });
    }
  }
  tick();
  setInterval(tick, 1000);
})();
