// Drafts saved as the person types: a progressive enhancement of the
// submission form of package calls. Without this script the form's own
// "Save draft" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-autosave-status]");
  var idInput = form.querySelector("input[name=id]");
  var timer = 0, dirty = false, busy = false;
  function save() {
    if (busy || !dirty) return;
    busy = true; dirty = false;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(form.action, {
      method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
      headers: {"X-Autosave": "1", "Accept": "application/json"}
    }).then(function (r) { return r.json(); }).then(function (j) {
      if (j.saved && j.id && idInput) idInput.value = j.id;
      if (status) status.textContent = j.saved ? (form.getAttribute("data-saved") || "✓") : "";
    }).catch(function () {}).then(function () { busy = false; });
  }
  form.addEventListener("input", function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 2000);
  });
})();
