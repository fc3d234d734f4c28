// Local times: a progressive enhancement of the programme pages. Their
// times are written in the event's zone, in <time datetime> elements that
// carry the event's offset. Where the reader's clock is set to another
// offset, each time range gets the reader's time below it and on hover.
// Without this script the pages read the same, with the event's zone
// named on them.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat || !document.querySelectorAll) return;
  var lang = document.documentElement.lang || "en";
  var box = document.querySelector("[data-local-label]");
  var label = box ? box.getAttribute("data-local-label") : "%s";
  var day, clock, zone;
  try {
    day = new Intl.DateTimeFormat(lang, { weekday: "short", month: "short", day: "numeric" });
    clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    zone = new Intl.DateTimeFormat(lang, { timeZoneName: "short" });
  } catch (e) {
    return;
  }
  // offset returns the minutes east of UTC written at the end of an RFC
  // 3339 time, or null.
  function offset(s) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(s);
    if (!m) return /Z$/.test(s) ? 0 : null;
    var v = parseInt(m[2], 10) * 60 + parseInt(m[3], 10);
    return m[1] === "-" ? -v : v;
  }
  function zoneName(d) {
    if (!zone.formatToParts) return "";
    var parts = zone.formatToParts(d);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === "timeZoneName") return parts[i].value;
    }
    return "";
  }
  var all = document.querySelectorAll(".when[data-local]");
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    var times = el.querySelectorAll("time[datetime]");
    if (!times.length) continue;
    var a = times[0].getAttribute("datetime");
    var start = new Date(a);
    var off = offset(a);
    if (isNaN(start.getTime()) || off === null || off === -start.getTimezoneOffset()) continue;
    var text = day.format(start) + " " + clock.format(start);
    if (times.length > 1) {
      var end = new Date(times[times.length - 1].getAttribute("datetime"));
      if (!isNaN(end.getTime())) text += "–" + clock.format(end);
    }
    var z = zoneName(start);
    if (z) text += " (" + z + ")";
    var full = label.replace("%s", text);
    el.title = full;
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = full;
    // Below the line the range is on.
    var line = el.parentNode && el.parentNode.tagName === "P" ? el.parentNode : el;
    line.appendChild(note);
  }
})();
