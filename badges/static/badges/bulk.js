(function () {
  var box = document.getElementById("bulk-job");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  function field(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) { el.textContent = value; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      box.querySelector(".progress__bar").style.width = d.percent + "%";
      box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", d.percent);
      ["processed", "total", "issued", "skipped", "failed", "status_label"].forEach(function (k) { field(k, d[k]); });
      if (d.status !== "done" && d.status !== "failed") { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
