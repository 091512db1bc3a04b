// Profile edit: "Add a line" clones the blank row of a formset (without JS the page keeps one blank row).
(function () {
  "use strict";
  document.querySelectorAll("fieldset.rows").forEach(function (fs) {
    var prefix = fs.getAttribute("data-prefix");
    var total = fs.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var button = fs.querySelector("[data-add-row]");
    var blanks = fs.querySelectorAll(".row-form--new");
    if (!total || !button || !blanks.length) { return; }
    var template = blanks[blanks.length - 1];
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var clone = template.cloneNode(true);
      var re = new RegExp(prefix + "-\\d+-", "g");
      clone.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(re, prefix + "-" + index + "-")); }
        });
        if (el.matches("input:not([type=hidden]):not([type=checkbox]), textarea")) { el.value = ""; }
        if (el.matches("select")) { el.selectedIndex = 0; }
        if (el.matches("input[type=hidden]") && /-id$/.test(el.name)) { el.value = ""; }
      });
      clone.querySelectorAll(".errorlist, .alert").forEach(function (el) { el.remove(); });
      clone.classList.remove("row-form--error");
      button.parentNode.insertBefore(clone, button);
      total.value = index + 1;
      var first = clone.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
