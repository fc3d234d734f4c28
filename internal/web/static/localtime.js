// Local times: a progressive enhancement of the programme pages. Their
// times are written in the event's zone, in <time datetime> elements that
// carry the event's offset. Where the reader's clock is set to another
// offset, each time range gets the reader's time below it and on hover,
// written as the server writes dates in the page's language (day and month
// names come from the page: data-local-days, data-local-months).
// Without this script the pages read the same, with the event's zone
// named on them.
(function () {
  "use strict";
  if (!document.querySelectorAll) return;
  var lang = document.documentElement.lang || "en";
  var zh = lang.indexOf("zh") === 0;
  var box = document.querySelector("[data-local-label]");
  if (!box) return;
  var label = box.getAttribute("data-local-label") || "%s";
  var days = (box.getAttribute("data-local-days") || "").split(",");
  var months = (box.getAttribute("data-local-months") || "").split(",");
  if (days.length !== 7 || months.length !== 12) return;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(d) { return two(d.getHours()) + ":" + two(d.getMinutes()); }
  function day(d) {
    if (zh) return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + days[d.getDay()];
    return days[d.getDay()] + " " + d.getDate() + " " + months[d.getMonth()];
  }
  // utc writes the reader's offset at d as the server does: UTC+8, UTC-3:30.
  function utc(d) {
    var off = -d.getTimezoneOffset();
    if (off === 0) return "UTC";
    var sign = off < 0 ? "-" : "+";
    off = Math.abs(off);
    var m = off % 60;
    return "UTC" + sign + Math.floor(off / 60) + (m ? ":" + two(m) : "");
  }
  // offset returns the minutes east of UTC written at the end of an RFC
  // 3339 time, or null.
  function offset(s) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(s);
    if (!m) return /Z$/.test(s) ? 0 : null;
    var v = parseInt(m[2], 10) * 60 + parseInt(m[3], 10);
    return m[1] === "-" ? -v : v;
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
    var text = day(start) + (zh ? " " : ", ") + clock(start);
    if (times.length > 1) {
      var end = new Date(times[times.length - 1].getAttribute("datetime"));
      if (!isNaN(end.getTime())) text += "–" + clock(end);
    }
    text += zh ? "（" + utc(start) + "）" : " (" + utc(start) + ")";
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
