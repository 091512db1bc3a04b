/* Wagtail's admin without inline scripts (Content-Security-Policy, lms/csp.py).
   The overridden templates in lms/templates/wagtailadmin/ (an app directory, so that form widgets, rendered by
   Django's form renderer, see them too) leave <span hidden data-fs-init="…" data-fs-config="…">
   where Wagtail had an inline <script>; this file makes the same call, for the page as loaded and for any
   HTML Wagtail inserts later (listing filters refreshed, inline panel forms added). */
(function () {
  "use strict";
  var CALLS = {
    initDateChooser: function (el, config) { window.initDateChooser(el.dataset.fsTarget, config); },
    initDateTimeChooser: function (el, config) { window.initDateTimeChooser(el.dataset.fsTarget, config); },
    initTimeChooser: function (el, config) { window.initTimeChooser(el.dataset.fsTarget, config); },
    InlinePanel: function (el, config) { new window.InlinePanel(config); },
    MultipleChooserPanel: function (el, config) { new window.MultipleChooserPanel(config); },
    Chooser: function (el, config) { new window[el.dataset.fsConstructor](el.dataset.fsTarget, config); }
  };

  function run(el) {
    if (el.dataset.fsDone) { return; }
    el.dataset.fsDone = "1";
    var call = CALLS[el.dataset.fsInit];
    if (call) { call(el, JSON.parse(el.dataset.fsConfig || "{}")); }
  }

  function scan(root) {
    if (root.nodeType !== 1) { return; }
    if (root.dataset && root.dataset.fsInit) { run(root); }
    root.querySelectorAll("[data-fs-init]").forEach(run);
  }

  function start() {
    scan(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) { m.addedNodes.forEach(scan); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // after every deferred script (Wagtail's own define the functions called here)
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
