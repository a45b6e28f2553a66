/* The stop-the-spread page: hash the chosen files with PerisaiHash (in a Web Worker), show the
 * fingerprints, and put only the hashes into the form's hidden field. The file input has no
 * name and is outside the form, so the file itself can never be submitted. */
(function () {
  "use strict";

  var tool = document.getElementById("tool");
  var form = document.getElementById("send");
  if (!tool || !form) return;
  var supported = window.PerisaiHash && window.Worker && window.crypto && window.crypto.subtle &&
    window.OffscreenCanvas && window.createImageBitmap;
  if (!supported) {
    document.getElementById("unsupported").hidden = false;
    return;
  }
  tool.hidden = false;
  var input = document.getElementById("files");
  var progress = document.getElementById("progress");
  var list = document.getElementById("fingerprints");
  var hidden = document.getElementById("hashes");
  var max = parseInt(tool.dataset.max, 10) || 10;
  var busy = false;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  function item(text, hash) {
    var li = document.createElement("li");
    li.appendChild(document.createTextNode(text));
    if (hash) {
      li.appendChild(document.createElement("br"));
      var code = document.createElement("code");
      code.textContent = hash;
      li.appendChild(code);
    }
    list.appendChild(li);
  }

  input.addEventListener("change", async function () {
    var files = Array.prototype.slice.call(input.files || [], 0, max);
    hidden.value = "";
    list.textContent = "";
    if (!files.length) return;
    busy = true;
    var done = [];
    for (var i = 0; i < files.length; i++) {
      progress.textContent = say(tool.dataset.working, { done: i, total: files.length });
      try {
        var hashes = await window.PerisaiHash.hashFile(files[i]);
        var kept = { kind: hashes.kind, md5: hashes.md5, sha256: hashes.sha256 };
        if (hashes.kind === "video") kept.frames = hashes.frames;
        else { kept.pdq = hashes.pdq; kept.pdq_quality = hashes.pdq_quality; }
        done.push(kept);
        item(tool.dataset.fingerprint + " " + done.length + ":", hashes.pdq || hashes.sha256);
      } catch (err) {
        var why = tool.dataset["why" + (err && err.code ? err.code.charAt(0).toUpperCase() +
          err.code.slice(1) : "Failed")] || tool.dataset.whyFailed;
        item(say(tool.dataset.failed, { name: files[i].name, why: why }));
      }
    }
    hidden.value = done.length ? JSON.stringify(done) : "";
    progress.textContent = say(tool.dataset.done, { n: done.length });
    busy = false;
  });

  form.addEventListener("submit", function (event) {
    if (busy || !hidden.value) {
      event.preventDefault();
      progress.textContent = tool.dataset.need;
      input.focus();
    }
  });
})();
