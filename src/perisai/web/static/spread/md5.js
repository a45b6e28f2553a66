/* Incremental MD5 (RFC 1321) over byte chunks, for the hashing worker: WebCrypto has no MD5.
 * Defines self.PerisaiMd5: new PerisaiMd5(); .update(Uint8Array); .hex().
 * Licence: the project's (see the repository). */
(function (root) {
  "use strict";

  var S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
  var K = new Int32Array(64);
  for (var i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;

  function Md5() {
    this.state = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]);
    this.buffer = new Uint8Array(64);
    this.buffered = 0;
    this.length = 0; // bytes, exact up to 2^53
    this.words = new Int32Array(16);
  }

  Md5.prototype.block = function (bytes, offset) {
    var x = this.words, st = this.state;
    for (var j = 0; j < 16; j++) {
      var o = offset + j * 4;
      x[j] = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
    }
    var a = st[0], b = st[1], c = st[2], d = st[3];
    for (var n = 0; n < 64; n++) {
      var f, g;
      if (n < 16) { f = (b & c) | (~b & d); g = n; }
      else if (n < 32) { f = (d & b) | (~d & c); g = (5 * n + 1) & 15; }
      else if (n < 48) { f = b ^ c ^ d; g = (3 * n + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * n) & 15; }
      var t = d;
      d = c;
      c = b;
      var sum = (a + f + K[n] + x[g]) | 0;
      b = (b + ((sum << S[n]) | (sum >>> (32 - S[n])))) | 0;
      a = t;
    }
    st[0] = (st[0] + a) | 0;
    st[1] = (st[1] + b) | 0;
    st[2] = (st[2] + c) | 0;
    st[3] = (st[3] + d) | 0;
  };

  Md5.prototype.update = function (bytes) {
    var i = 0, n = bytes.length;
    this.length += n;
    if (this.buffered) {
      while (i < n && this.buffered < 64) this.buffer[this.buffered++] = bytes[i++];
      if (this.buffered < 64) return this;
      this.block(this.buffer, 0);
      this.buffered = 0;
    }
    for (; i + 64 <= n; i += 64) this.block(bytes, i);
    while (i < n) this.buffer[this.buffered++] = bytes[i++];
    return this;
  };

  Md5.prototype.hex = function () {
    var bits = this.length * 8;
    var pad = new Uint8Array(((this.buffered < 56 ? 56 : 120) - this.buffered) + 8);
    pad[0] = 0x80;
    var lo = bits % 4294967296, hi = Math.floor(bits / 4294967296);
    var p = pad.length - 8;
    for (var j = 0; j < 4; j++) {
      pad[p + j] = (lo >>> (8 * j)) & 255;
      pad[p + 4 + j] = (hi >>> (8 * j)) & 255;
    }
    var length = this.length;
    this.update(pad);
    this.length = length;
    var out = "";
    for (var w = 0; w < 4; w++) {
      for (var k = 0; k < 4; k++) {
        var v = (this.state[w] >>> (8 * k)) & 255;
        out += (v < 16 ? "0" : "") + v.toString(16);
      }
    }
    return out;
  };

  root.PerisaiMd5 = Md5;
})(typeof self !== "undefined" ? self : globalThis);
