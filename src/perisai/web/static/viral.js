// Live list of viral clusters: when the server announces `monitoring.viral` (SSE at
// /api/v1/events), reload the table body and say which cluster went viral in a polite live
// region (screen-reader users hear it without focus moving). Without a stream: poll.
(function () {
  "use strict";
  var POLL_MS = 5000;
  var body = document.getElementById("viral-rows");
  var status = document.getElementById("viral-status");
  if (!body || body.getAttribute("data-live") !== "1") { return; }
  var timer = null;

  function refresh() {
    var url = "/workspace/viral/rows" + (body.getAttribute("data-every") ? "?every=1" : "");
    window.fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null) { body.innerHTML = html; } });
  }
  function announce(event) {
    var cluster = "";
    try { cluster = JSON.parse(event.data).data.cluster_public_id || ""; } catch (e) { cluster = ""; }
    if (status && cluster) {
      status.textContent = body.getAttribute("data-message").replace("{cluster}", cluster);
      status.hidden = false;
    }
    refresh();
  }
  function poll() {
    if (timer === null) { timer = window.setInterval(refresh, POLL_MS); }
  }
  if (window.EventSource) {
    var source = new EventSource("/api/v1/events");
    source.addEventListener("monitoring.viral", announce);
    source.onerror = function () { poll(); };
    source.onopen = function () {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
    };
  } else {
    poll();
  }
})();
