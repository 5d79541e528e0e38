// Future Center live pages: the countdown, following the group's phase, closing editors.
// Everything else (polling, swapping changed items) is htmx; pages work without this file.
(function () {
  "use strict";

  var clockOffset = 0; // server time minus this browser's time, in seconds

  function pad(n) { return n < 10 ? "0" + n : "" + n; }

  // "Time is up" shows for a minute after the end, as the server does (visions/live/timer.py).
  var OVER_SHOWN = 60;

  function clearTimer(timer) {
    timer.dataset.state = "idle";
    timer.className = "timer timer-idle";
    timer.replaceChildren();
  }

  function tick() {
    var timer = document.getElementById("timer");
    if (!timer || !timer.dataset.ends) return;
    if (timer.dataset.state !== "running" && timer.dataset.state !== "over") return;
    var left = Math.max(0, Math.ceil(Number(timer.dataset.ends) - (Date.now() / 1000 + clockOffset)));
    var display = timer.querySelector(".timer-display");
    if (!display) return;
    if (left === 0 && Date.now() / 1000 + clockOffset >= Number(timer.dataset.ends) + OVER_SHOWN) {
      clearTimer(timer);
    } else if (left === 0) {
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

  // A field someone has changed and not yet saved.
  function isDirty(field) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].selected !== field.options[i].defaultSelected) return true;
      }
      return false;
    }
    return field.value !== field.defaultValue;
  }

  function hasDraftIn(root) {
    var fields = root.querySelectorAll("textarea, input, select");
    for (var i = 0; i < fields.length; i++) {
      if (isDirty(fields[i])) return true;
    }
    return false;
  }

  // Unsaved text anywhere on the page: then the page does not leave on its own.
  function hasDraft() {
    var fields = document.querySelectorAll("main textarea, main input[type=text], main input:not([type])");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue) return true;
    }
    return false;
  }

  // A form saved through htmx: what it holds now is what the server has.
  function markSaved(form) {
    var fields = form.querySelectorAll("textarea, input, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j++) field.options[j].defaultSelected = field.options[j].selected;
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.defaultChecked = field.checked;
      } else {
        field.defaultValue = field.value;
      }
    }
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && event.detail.successful && form.isConnected) markSaved(form);
  });

  // A region redrawn by someone else's change while this person has unsaved input in it waits
  // until nothing in it is unsaved (saving redraws it anyway), then takes the latest version.
  var waiting = {};

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var fresh = event.detail.fragment && event.detail.fragment.firstElementChild;
    // An item appended to a list (pages.Fragment.upsert) replaces a copy already on the page.
    if (target && fresh && fresh.id && fresh.id !== target.id) {
      var copy = document.getElementById(fresh.id);
      if (copy && copy !== target) copy.remove();
    }
    // Only a region replaced whole waits; items appended to a list never touch what is typed.
    if (target && target.id && fresh && fresh.id === target.id && hasDraftIn(target)) {
      event.detail.shouldSwap = false;
      waiting[target.id] = { target: target, fragment: event.detail.fragment };
    }
  });

  function swapWaiting() {
    Object.keys(waiting).forEach(function (id) {
      var target = document.getElementById(id);
      // Gone, or redrawn since (by the person's own save): the waiting version is older.
      if (!target || target !== waiting[id].target) { delete waiting[id]; return; }
      if (hasDraftIn(target)) return;
      var fragment = waiting[id].fragment;
      delete waiting[id];
      var fresh = fragment.firstElementChild;
      if (!fresh) return;
      fresh.removeAttribute("hx-swap-oob");
      target.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    });
  }

  document.addEventListener("focusout", function () { setTimeout(swapWaiting, 0); });
  document.addEventListener("htmx:afterSettle", function () { setTimeout(swapWaiting, 0); });

  // When the group moves on, every open page learns it from the same poll round: each waits
  // a random moment of up to 1 s before loading the new phase, so that a room of phones
  // does not ask the server for the same large page at the same instant.
  var FOLLOW_SPREAD_MS = 1000; // the polls themselves are spread over 2 s: a page follows within 3 s
  var following = null;

  function follow() {
    var banner = document.getElementById("phase-banner");
    if (!banner || !banner.dataset.followUrl || hasDraft() || following === banner.dataset.followUrl) return;
    following = banner.dataset.followUrl;
    setTimeout(function () {
      if (hasDraft()) { following = null; return; }
      window.location.assign(following);
    }, Math.random() * FOLLOW_SPREAD_MS);
  }

  document.addEventListener("DOMContentLoaded", readTimer);
  document.addEventListener("htmx:afterSettle", function () { readTimer(); follow(); });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var id = event.target && event.target.id;
    if (id === "timer") readTimer();
    if (id === "phase-banner") follow();
  });
  setInterval(tick, 1000);

  // A page the Back button shows again from memory may be in an old phase: ask the server anew.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  // A refused act (visions/middleware.py sends it to #messages, the live region) is also
  // shown next to the control that caused it, where the person is looking.
  var REFUSED = { 403: true, 409: true, 423: true };

  function showRefusalAt(control, text) {
    var anchor = control.closest("form") || control;
    var next = anchor.nextElementSibling;
    if (!next || !next.classList.contains("refusal-here")) {
      next = document.createElement("p");
      next.className = "message error refusal-here";
      next.dataset.testid = "refused-here";
      anchor.insertAdjacentElement("afterend", next);
    }
    next.textContent = text;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var detail = event.detail;
    var target = detail.target;
    var control = detail.requestConfig && detail.requestConfig.elt;
    if (!target || target.id !== "messages" || !detail.xhr || !REFUSED[detail.xhr.status]) return;
    if (!control || !control.isConnected || !control.closest("main")) return;
    showRefusalAt(control, target.textContent.trim());
    // Still announced by the live region, but seen once: next to the control.
    target.classList.add("visually-hidden-messages");
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var control = event.detail.elt;
    if (!control || control.id === "live-poll") return;
    var anchor = control && control.closest && (control.closest("form") || control);
    var next = anchor && anchor.nextElementSibling;
    if (next && next.classList.contains("refusal-here")) next.remove();
    var region = document.getElementById("messages");
    if (region && region.classList.contains("visually-hidden-messages")) {
      region.replaceChildren();
      region.classList.remove("visually-hidden-messages");
    }
  });

  // A spent dot budget: every "+" on the page is disabled (the budget line says why), and
  // enabled again when a dot comes off. The server renders the same on a full page.
  function syncDots() {
    var budget = document.getElementById("my-budget");
    if (!budget || budget.dataset.left === undefined) return;
    var spent = budget.dataset.left === "0";
    var buttons = document.querySelectorAll("[data-testid=add-dot]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].closest("form").classList.contains("htmx-request")) continue;
      buttons[i].disabled = spent;
    }
  }

  document.addEventListener("DOMContentLoaded", syncDots);
  document.addEventListener("htmx:afterSettle", syncDots);
  document.addEventListener("htmx:oobAfterSwap", syncDots);

  document.addEventListener("click", function (event) {
    // A long issues board shows its first part only: a link to an issue further down (the
    // ranking's) opens the whole board there.
    var jump = event.target.closest && event.target.closest('a[href^="#issue-"]');
    if (jump && !document.getElementById(jump.getAttribute("href").slice(1)) && document.getElementById("issues-more")) {
      event.preventDefault();
      window.location.assign("?show=all" + jump.getAttribute("href"));
      return;
    }
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
