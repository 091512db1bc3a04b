/* Confirmation pages (lms/confirm.py): the page already works without JS; this only puts the keyboard
   focus on the confirm button, so the page reads and acts like a dialog (Enter confirms, Tab reaches Cancel). */
(function () {
  "use strict";
  var yes = document.querySelector("[data-autofocus]");
  if (yes) yes.focus();
})();
