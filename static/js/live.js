// Future Center live pages: the countdown, following the group's phase, closing editors.
// Everything else (polling, swapping changed items) is htmx; pages work without this file.
(function () {
  "use strict";

  var clockOffset = 0; // server time minus this browser's time, in seconds

  function pad(n) { return n < 10 ? "0" + n : "" + n; }

  function tick() {
    var timer = document.getElementById("timer");
    if (!timer || timer.dataset.state !== "running" || !timer.dataset.ends) return;
    var left = Math.max(0, Math.ceil(Number(timer.dataset.ends) - (Date.now() / 1000 + clockOffset)));
    var display = timer.querySelector(".timer-display");
    if (!display) return;
    if (left === 0) {
      display.textContent = timer.dataset.overText || display.textContent;
      timer.classList.add("timer-over");
    } else {
      display.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    }
  }

  function readTimer() {
    var timer = document.getElementById("timer");
    if (timer && timer.dataset.now) {
      clockOffset = Number(timer.dataset.now) - Date.now() / 1000;
    }
    tick();
  }

  // Unsaved text anywhere on the page: then the page does not leave on its own.
  function hasDraft() {
    var fields = document.querySelectorAll("main textarea, main input[type=text], main input:not([type])");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue) return true;
    }
    return false;
  }

  function follow() {
    var banner = document.getElementById("phase-banner");
    if (banner && banner.dataset.followUrl && !hasDraft()) {
      window.location.assign(banner.dataset.followUrl);
    }
  }

  document.addEventListener("DOMContentLoaded", readTimer);
  document.addEventListener("htmx:afterSettle", function () { readTimer(); follow(); });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var id = event.target && event.target.id;
    if (id === "timer") readTimer();
    if (id === "phase-banner") follow();
  });
  setInterval(tick, 1000);

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-close-editor]");
    if (close) {
      var editor = close.closest(".editor");
      if (editor) {
        event.preventDefault();
        editor.replaceChildren();
        editor.classList.remove("open");
      }
    }
  });
})();
