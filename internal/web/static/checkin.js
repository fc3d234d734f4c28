// Check-in desk: scan a badge's QR code with the camera. A progressive
// enhancement of the check-in form: where the browser has a camera, a
// button starts it; the first QR code seen fills the code field and
// submits the form. The browser's BarcodeDetector reads the frames where it
// exists; elsewhere the vendored jsQR (static/jsqr, loaded before this
// script; cached for good after the first visit) does.
// After a check-in the camera starts again by itself until the desk stops
// it. Without this script, or without a camera, the code is typed or sent
// by a USB scanner.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var input = form.querySelector("input[name=code]");
  if (input && !document.querySelector("[role=alert]")) input.focus();
  var media = navigator.mediaDevices;
  if (!input || !media || !media.getUserMedia) return;
  var detector = null;
  if ("BarcodeDetector" in window) {
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
  }
  var jsqr = typeof window.jsQR === "function" ? window.jsQR : null;
  if (!detector && !jsqr) return;
  init(detector ? null : jsqr);

  function init(jsqr) {

    var KEY = "wuzhen-checkin-scan";
    var actions = form.querySelector(".actions");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = form.getAttribute("data-scan");
    actions.appendChild(button);
    var note = document.createElement("p");
    note.className = "hint";
    note.setAttribute("role", "status");
    actions.parentNode.insertBefore(note, actions.nextSibling);
    var video = document.createElement("video");
    video.className = "scanner";
    video.muted = true;
    video.setAttribute("playsinline", "");
    video.setAttribute("aria-label", form.getAttribute("data-video"));
    video.hidden = true;
    note.parentNode.insertBefore(video, note.nextSibling);
    var canvas = jsqr && !detector ? document.createElement("canvas") : null;
    var stream = null, timer = 0;

    function stop() {
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.hidden = true;
      button.textContent = form.getAttribute("data-scan");
    }
    // The badge just checked in is still in front of the camera when the
    // page comes back: the same code is ignored for a few seconds, so that
    // the result stays on screen instead of "already checked in".
    function found(text) {
      var last = sessionStorage.getItem(KEY + "-last") || "";
      var at = Number(sessionStorage.getItem(KEY + "-at") || 0);
      if (text === last && Date.now() - at < 8000) { later(300); return; }
      stop();
      sessionStorage.setItem(KEY, "1");
      sessionStorage.setItem(KEY + "-last", text);
      sessionStorage.setItem(KEY + "-at", String(Date.now()));
      input.value = text;
      form.submit();
    }
    function later(ms) { timer = setTimeout(tick, ms); }
    function tick() {
      if (!stream || video.readyState < 2) { if (stream) later(200); return; }
      if (detector) {
        detector.detect(video).then(function (codes) {
          if (codes.length && codes[0].rawValue) found(codes[0].rawValue); else later(150);
        }, function () { later(400); });
        return;
      }
      var w = video.videoWidth, h = video.videoHeight;
      canvas.width = w; canvas.height = h;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, w, h);
      var code = jsqr(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
      if (code && code.data) found(code.data); else later(200);
    }
    function start() {
      note.textContent = "";
      media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        video.play();
        button.textContent = form.getAttribute("data-stop");
        later(300);
      }, function () {
        sessionStorage.removeItem(KEY);
        note.textContent = form.getAttribute("data-no-camera");
      });
    }
    button.addEventListener("click", function () {
      if (stream) { sessionStorage.removeItem(KEY); stop(); } else { start(); }
    });
    if (sessionStorage.getItem(KEY) === "1") start();
  }
})();
