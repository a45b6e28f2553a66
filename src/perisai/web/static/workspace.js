// Live triage queue: refresh the table body when the server announces a change (SSE at
// /api/v1/events); if the stream is unavailable, poll every few seconds instead. The polite
// live region says how many reports are new, so screen-reader users hear it without focus moving.
(function () {
  "use strict";
  var POLL_MS = 4000;
  var body = document.getElementById("queue-rows");
  var status = document.getElementById("queue-status");
  if (!body || body.getAttribute("data-live") !== "1") { return; }

  function ids() {
    var out = {};
    body.querySelectorAll("tr[data-report]").forEach(function (row) {
      out[row.getAttribute("data-report")] = true;
    });
    return out;
  }
  var known = ids();
  var timer = null;

  function refresh() {
    if (window.htmx) { window.htmx.trigger(body, "queue-refresh"); }
  }
  function poll() {
    if (timer === null) { timer = window.setInterval(refresh, POLL_MS); }
  }

  body.addEventListener("htmx:afterSwap", function () {
    var now = ids();
    var fresh = Object.keys(now).filter(function (id) { return !known[id]; });
    known = now;
    if (fresh.length && status) {
      var lang = document.documentElement.lang;
      status.textContent = lang === "en"
        ? fresh.length + " new report(s) in the queue: " + fresh.join(", ")
        : fresh.length + " laporan baharu dalam baris gilir: " + fresh.join(", ");
    }
  });

  if (window.EventSource) {
    var source = new EventSource("/api/v1/events");
    // The stream names each event by its type; these change what the queue shows.
    [
      "report.triaged", "report.priority_overridden", "report.reviewed",
      "case.created", "case.referred", "case.assigned", "sla.warning", "sla.breached"
    ].forEach(function (type) { source.addEventListener(type, refresh); });
    source.onmessage = refresh;
    source.onerror = function () {
      // No stream (not deployed yet, or dropped): fall back to polling; SSE retries by itself.
      poll();
    };
    source.onopen = function () {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
    };
  } else {
    poll();
  }
})();
