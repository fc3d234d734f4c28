// Search as you type: a progressive enhancement of the header's search
// form. Without this script the form submits to /search as usual.
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var box = document.createElement("div");
  box.className = "suggest";
  box.id = "site-suggest";
  box.setAttribute("role", "region");
  box.setAttribute("aria-live", "polite");
  box.hidden = true;
  form.appendChild(box);
  input.setAttribute("aria-controls", box.id);
  var timer = 0, seq = 0;
  function clear() { box.hidden = true; box.textContent = ""; }
  function show(items, total, limit) {
    box.textContent = "";
    if (!items.length) { clear(); return; }
    var list = document.createElement("ul");
    items.forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = it.url;
      a.textContent = it.title;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(list);
    var all = document.createElement("a");
    all.className = "all";
    all.href = "/search?q=" + encodeURIComponent(input.value);
    // Counts stop at count_limit: that many or more.
    all.textContent = form.getAttribute("data-all").replace("%d", limit && total >= limit ? total + "+" : total);
    box.appendChild(all);
    box.hidden = false;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch("/api/v1/search?per_page=6&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d && mine === seq) show(d.items, d.total, d.count_limit); })
        .catch(clear);
    }, 180);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) clear(); });
})();
