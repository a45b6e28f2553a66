/* window.PerisaiHash: fingerprints of a picture or video computed on this device.
 *
 *   PerisaiHash.hashFile(file) -> Promise<{md5, sha256, pdq, pdq_quality, kind, size,
 *                                          exif_orientation?, frames?: [{t, pdq, quality}]}>
 *
 * The work runs in a Web Worker (hash-worker.js, loaded from this script's folder). For a video
 * the page decodes one frame per second with a <video> element (a worker cannot) and the worker
 * hashes each; pdq and pdq_quality are then those of the first frame. The file is read only
 * here and in the worker: nothing is sent anywhere. A failure rejects with an Error whose
 * `code` is "empty", "unsupported", "too_large", "corrupt" or "failed".
 *
 * Needs: Worker, OffscreenCanvas, createImageBitmap, crypto.subtle (a secure context: https or
 * localhost). Videos also need media-src blob: in the page's CSP. No build step, no other origin.
 * Licence: the project's (see the repository). */
(function (root) {
  "use strict";

  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/[^/]*$/, "") : "/static/spread/";
  var MAX_VIDEO_SECONDS = 600;
  var MAX_FRAME_PIXELS = 40000000;
  var worker = null;
  var pending = {};
  var nextId = 1;

  function failure(code, message) {
    var err = new Error(message);
    err.code = code;
    return err;
  }

  function theWorker() {
    if (worker) return worker;
    worker = new Worker(base + "hash-worker.js");
    worker.onmessage = function (event) {
      var msg = event.data, waiting = pending[msg.id];
      if (!waiting) return;
      delete pending[msg.id];
      if (msg.ok) waiting.resolve(msg.result);
      else waiting.reject(failure(msg.code, msg.message));
    };
    worker.onerror = function (event) {
      var all = pending;
      pending = {};
      worker = null;
      Object.keys(all).forEach(function (id) {
        all[id].reject(failure("failed", (event && event.message) || "the hashing worker failed"));
      });
    };
    return worker;
  }

  function call(message, transfer) {
    return new Promise(function (resolve, reject) {
      var id = nextId++;
      pending[id] = { resolve: resolve, reject: reject };
      message.id = id;
      theWorker().postMessage(message, transfer || []);
    });
  }

  function once(target, name, errorName) {
    return new Promise(function (resolve, reject) {
      function done(event) {
        target.removeEventListener(name, done);
        target.removeEventListener(errorName, fail);
        resolve(event);
      }
      function fail() {
        target.removeEventListener(name, done);
        target.removeEventListener(errorName, fail);
        reject(failure("corrupt", "the video cannot be decoded"));
      }
      target.addEventListener(name, done);
      target.addEventListener(errorName, fail);
    });
  }

  /* One frame per second: t = 0, 1, 2, ... while t < duration, each drawn and sent to the
   * worker (the pixels are transferred, not copied). */
  async function videoFrames(file, onProgress) {
    var url = URL.createObjectURL(file);
    var video = document.createElement("video");
    video.muted = true;
    video.preload = "auto";
    video.playsInline = true;
    try {
      var loaded = once(video, "loadeddata", "error");
      video.src = url;
      await loaded;
      var duration = video.duration;
      if (!isFinite(duration) || duration <= 0) throw failure("corrupt", "the video has no length");
      if (duration > MAX_VIDEO_SECONDS) throw failure("too_large", "the video is too long");
      var width = video.videoWidth, height = video.videoHeight;
      if (width < 1 || height < 1) throw failure("corrupt", "the video has no picture");
      if (width * height > MAX_FRAME_PIXELS) throw failure("too_large", "the video is too large");
      var canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      var frames = [];
      for (var t = 0; t < duration; t += 1) {
        var seeked = once(video, "seeked", "error");
        // Just past t: the frame that starts at t (FFmpeg's sampler takes the first frame at
        // or after t), not the one before it when t falls on a frame boundary.
        video.currentTime = Math.min(t + 0.001, duration);
        await seeked;
        context.drawImage(video, 0, 0, width, height);
        var pixels = context.getImageData(0, 0, width, height).data;
        var hash = await call(
          { op: "frame", rgba: pixels.buffer, width: width, height: height }, [pixels.buffer]
        );
        frames.push({ t: t, pdq: hash.pdq, quality: hash.quality });
        if (onProgress) onProgress(Math.min(1, (t + 1) / duration));
      }
      if (!frames.length) throw failure("corrupt", "the video has no frames");
      return frames;
    } finally {
      video.removeAttribute("src");
      video.load();
      URL.revokeObjectURL(url);
    }
  }

  /* Fingerprints of one chosen file (see the header). `options.onProgress(fraction)` is called
   * while a video's frames are hashed. */
  async function hashFile(file, options) {
    if (!(file instanceof Blob)) throw failure("unsupported", "hashFile needs a File");
    var result = await call({ op: "hash", file: file });
    if (result.kind === "video") {
      result.frames = await videoFrames(file, options && options.onProgress);
      result.pdq = result.frames[0].pdq;
      result.pdq_quality = result.frames[0].quality;
    }
    return result;
  }

  root.PerisaiHash = { hashFile: hashFile, version: "1" };
})(window);
