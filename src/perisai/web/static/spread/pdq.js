/* PDQ perceptual hash of a luminance array, written from the algorithm of Meta's PDQ
 * (facebook/ThreatExchange/pdq): luminance, two passes of a Jarosz box filter per axis,
 * decimation to 64x64, a 16x16 DCT of that block, each coefficient against the median.
 *
 * It follows our Python implementation (src/perisai/media/pdq.py): the filter and the
 * decimation of one axis are one linear map, so each of the 64 outputs is a weighted sum of a
 * contiguous run of input samples; the weights are computed once per image size.
 *
 * Loaded by hash-worker.js with importScripts; defines self.PerisaiPdq. No network, no DOM.
 * Licence: the project's (see the repository).
 */
(function (root) {
  "use strict";

  var DCT = (function () {
    var m = new Float64Array(16 * 64);
    var scale = Math.sqrt(2 / 64);
    for (var i = 0; i < 16; i++) {
      for (var k = 0; k < 64; k++) {
        m[i * 64 + k] = scale * Math.cos((Math.PI / 128) * (i + 1) * (2 * k + 1));
      }
    }
    return m;
  })();

  /* Inclusive bounds of the reference's centred 1-D box filter at each index. */
  function boxBounds(n, window) {
    var half = Math.floor((window + 2) / 2);
    var lo = new Int32Array(n), hi = new Int32Array(n);
    for (var j = 0; j < n; j++) {
      lo[j] = Math.max(0, j - (window - half));
      hi[j] = Math.min(n - 1, j + half - 1);
    }
    return { lo: lo, hi: hi };
  }

  var decimators = {};

  /* Two box passes along an axis of n samples, then 64 picks: for each output, the first
   * input index and the weights of the contiguous run it sums. */
  function decimator(n) {
    if (decimators[n]) return decimators[n];
    var window = Math.floor((n + 127) / 128);
    var b = boxBounds(n, window);
    var starts = new Int32Array(64);
    var weights = [];
    var row = new Float64Array(n + 1);
    for (var i = 0; i < 64; i++) {
      var s = Math.floor(((i + 0.5) * n) / 64);
      row.fill(0);
      var ws = 1 / (b.hi[s] - b.lo[s] + 1);
      for (var k = b.lo[s]; k <= b.hi[s]; k++) {
        var w = ws / (b.hi[k] - b.lo[k] + 1);
        row[b.lo[k]] += w;
        row[b.hi[k] + 1] -= w;
      }
      var start = b.lo[b.lo[s]], end = b.hi[b.hi[s]];
      var out = new Float64Array(end - start + 1);
      var acc = 0;
      for (var p = 0; p <= end; p++) {
        acc += row[p];
        if (p >= start) out[p - start] = acc;
      }
      starts[i] = start;
      weights.push(out);
    }
    decimators[n] = { starts: starts, weights: weights };
    return decimators[n];
  }

  /* The decimator of a `full`-sample axis folded onto the same axis decoded at a reduced size
   * (a large picture decoded at 1/2, 1/4 or 1/8 scale): each reduced sample stands for the
   * block of full samples it averages, so it gets their summed weights. As `_folded_decimator`
   * in media/pdq.py: the hash then stays within a few bits of the full-resolution one. */
  function foldedDecimator(full, reduced) {
    if (full === reduced) return decimator(full);
    var key = full + ":" + reduced;
    if (decimators[key]) return decimators[key];
    var base = decimator(full), scale = full / reduced;
    var starts = new Int32Array(64), weights = [];
    for (var i = 0; i < 64; i++) {
      var w = base.weights[i], dense = {}, lo = reduced, hi = -1;
      for (var k = 0; k < w.length; k++) {
        var r = Math.min(Math.floor((base.starts[i] + k) / scale), reduced - 1);
        dense[r] = (dense[r] || 0) + w[k];
        if (r < lo) lo = r;
        if (r > hi) hi = r;
      }
      var out = new Float64Array(hi - lo + 1);
      for (var q = lo; q <= hi; q++) out[q - lo] = dense[q] || 0;
      starts[i] = lo;
      weights.push(out);
    }
    decimators[key] = { starts: starts, weights: weights };
    return decimators[key];
  }

  /* The 64 row-filtered rows (64 x width) of an image whose row r is given by fill(r, buffer):
   * each input row is read once and added, with its weight, to every output that uses it. */
  function filterRows(width, height, fill, fullHeight) {
    var rows = foldedDecimator(fullHeight || height, height);
    var users = [];
    for (var r = 0; r < height; r++) users.push([]);
    for (var i = 0; i < 64; i++) {
      var w = rows.weights[i];
      for (var k = 0; k < w.length; k++) users[rows.starts[i] + k].push(i, w[k]);
    }
    var tall = new Float64Array(64 * width);
    var line = new Float32Array(width); // float32 luminance, as numpy's
    for (var y = 0; y < height; y++) {
      var use = users[y];
      if (!use.length) continue;
      fill(y, line);
      for (var u = 0; u < use.length; u += 2) {
        var dst = use[u] * width, wk = use[u + 1];
        for (var c = 0; c < width; c++) tall[dst + c] += wk * line[c];
      }
    }
    return tall;
  }

  /* The 64x64 block from the row-filtered rows: the same filter along each row. */
  function filterColumns(tall, width, fullWidth) {
    var cols = foldedDecimator(fullWidth || width, width);
    var block = new Float64Array(64 * 64);
    for (var r = 0; r < 64; r++) {
      var base = r * width;
      for (var j = 0; j < 64; j++) {
        var cw = cols.weights[j], c0 = base + cols.starts[j], sum = 0;
        for (var q = 0; q < cw.length; q++) sum += cw[q] * tall[c0 + q];
        block[r * 64 + j] = sum;
      }
    }
    return block;
  }

  function block64(luma, width, height) {
    return filterColumns(filterRows(width, height, function (y, line) {
      var from = y * width;
      for (var c = 0; c < width; c++) line[c] = luma[from + c];
    }), width);
  }

  /* The block straight from RGBA pixels (ImageData.data): the luminance of a row,
   * 0.299 R + 0.587 G + 0.114 B as the reference, is computed once, when the filter reads it. */
  function block64OfRgba(rgba, width, height, fullWidth, fullHeight) {
    return filterColumns(filterRows(width, height, function (y, line) {
      for (var c = 0, p = y * width * 4; c < width; c++, p += 4) {
        line[c] = rgba[p] * 0.299 + rgba[p + 1] * 0.587 + rgba[p + 2] * 0.114;
      }
    }, fullHeight), width, fullWidth);
  }

  function quality(block) {
    var total = 0;
    for (var i = 0; i < 63; i++) {
      for (var j = 0; j < 64; j++) {
        total += Math.abs(Math.trunc(((block[i * 64 + j] - block[(i + 1) * 64 + j]) * 100) / 255));
      }
    }
    for (var r = 0; r < 64; r++) {
      for (var c = 0; c < 63; c++) {
        total += Math.abs(Math.trunc(((block[r * 64 + c] - block[r * 64 + c + 1]) * 100) / 255));
      }
    }
    return Math.min(100, Math.floor(total / 90));
  }

  /* D @ block @ D^T: the 16x16 coefficients, row-major. */
  function dct16(block) {
    var half = new Float64Array(16 * 64);
    for (var i = 0; i < 16; i++) {
      for (var c = 0; c < 64; c++) {
        var s = 0;
        for (var k = 0; k < 64; k++) s += DCT[i * 64 + k] * block[k * 64 + c];
        half[i * 64 + c] = s;
      }
    }
    var out = new Float64Array(256);
    for (var r = 0; r < 16; r++) {
      for (var j = 0; j < 16; j++) {
        var t = 0;
        for (var q = 0; q < 64; q++) t += half[r * 64 + q] * DCT[j * 64 + q];
        out[r * 16 + j] = t;
      }
    }
    return out;
  }

  /* Bit k is set when coefficient k exceeds the median (the 128th smallest); hex is
   * big-endian, bit 255 first, as the reference prints it. */
  function bitsToHex(coefficients) {
    var sorted = Float64Array.from(coefficients).sort();
    var median = sorted[127];
    var hex = "";
    for (var b = 0; b < 32; b++) {
      var byte = 0;
      for (var m = 0; m < 8; m++) {
        var k = 255 - (b * 8 + m);
        byte = (byte << 1) | (coefficients[k] > median ? 1 : 0);
      }
      hex += (byte < 16 ? "0" : "") + byte.toString(16);
    }
    return hex;
  }

  function checkSize(length, width, height, per) {
    if (!(width >= 1 && height >= 1) || length < width * height * per) {
      throw new Error("the array must hold width x height pixels");
    }
  }

  /* PDQ of a luminance array (0-255, row-major): {hash: 64 hex characters, quality}. */
  function fromLuma(luma, width, height) {
    checkSize(luma.length, width, height, 1);
    var block = block64(luma, width, height);
    return { hash: bitsToHex(dct16(block)), quality: quality(block) };
  }

  /* PDQ of RGBA pixels (ImageData.data), without a full-size luminance copy. `fullWidth` and
   * `fullHeight`: the picture's real size when the pixels were decoded at a reduced scale. */
  function fromRgba(rgba, width, height, fullWidth, fullHeight) {
    checkSize(rgba.length, width, height, 4);
    var block = block64OfRgba(rgba, width, height, fullWidth, fullHeight);
    return { hash: bitsToHex(dct16(block)), quality: quality(block) };
  }

  function hamming(a, b) {
    var d = 0;
    for (var i = 0; i < a.length; i++) {
      var x = parseInt(a[i], 16) ^ parseInt(b[i], 16);
      while (x) { d += x & 1; x >>= 1; }
    }
    return d;
  }

  root.PerisaiPdq = { fromLuma: fromLuma, fromRgba: fromRgba, hamming: hamming };
})(typeof self !== "undefined" ? self : globalThis);
