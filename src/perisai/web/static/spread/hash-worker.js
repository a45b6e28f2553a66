/* The hashing Web Worker of perisai-hash.js: MD5 (md5.js), SHA-256 (WebCrypto) and PDQ
 * (pdq.js) of a file, in this worker so that the page stays responsive. It makes no request
 * of its own besides loading its two scripts from the same folder; the file's bytes never
 * leave it except as hashes.
 *
 * Messages in: {id, op: "hash", file} or {id, op: "frame", rgba, width, height} (a video frame
 * drawn by the page). Out: {id, ok: true, result} or {id, ok: false, code, message}.
 * Licence: the project's (see the repository). */
"use strict";
importScripts("md5.js", "pdq.js");

var LIMITS = {
  imageBytes: 50 * 1024 * 1024,
  videoBytes: 200 * 1024 * 1024,
  // The same decompression-bomb guard as the Python hashing (DEFAULT_MAX_IMAGE_PIXELS).
  imagePixels: 100000000,
};
var CHUNK = 4 * 1024 * 1024;
var RESIZE_QUALITY = "medium";

function HashError(code, message) {
  this.code = code;
  this.message = message;
}

function startsWith(head, bytes, offset) {
  offset = offset || 0;
  if (head.length < offset + bytes.length) return false;
  for (var i = 0; i < bytes.length; i++) if (head[offset + i] !== bytes[i]) return false;
  return true;
}

function ascii(head, from, to) {
  var s = "";
  for (var i = from; i < to && i < head.length; i++) s += String.fromCharCode(head[i]);
  return s;
}

/* "image", "video" or "other" from the first bytes, as src/perisai/media/sniff.py. */
var HEIF = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"];
var QT_ATOMS = ["moov", "mdat", "wide", "free", "skip", "pnot"];
function kindOf(head) {
  var images = [[0xff, 0xd8, 0xff], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
    [0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a], [0x42, 0x4d]];
  for (var i = 0; i < images.length; i++) if (startsWith(head, images[i])) return "image";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "AVI ") return "video";
  if (ascii(head, 4, 8) === "ftyp") return HEIF.indexOf(ascii(head, 8, 12)) >= 0 ? "image" : "video";
  if (QT_ATOMS.indexOf(ascii(head, 4, 8)) >= 0) return "video";
  var videos = [[0x1a, 0x45, 0xdf, 0xa3], [0x46, 0x4c, 0x56, 0x01], [0x00, 0x00, 0x01, 0xba],
    [0x00, 0x00, 0x01, 0xb3], [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]];
  for (var j = 0; j < videos.length; j++) if (startsWith(head, videos[j])) return "video";
  if (head.length > 188 && head[0] === 0x47 && head[188] === 0x47) return "video";
  return "other";
}

/* The EXIF orientation tag (1-8) of a JPEG, 1 when absent or unreadable. */
function jpegOrientation(bytes) {
  var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  var p = 2;
  while (p + 4 <= bytes.length && bytes[p] === 0xff) {
    var marker = bytes[p + 1];
    if (marker === 0xda || marker === 0xd9) break; // start of scan: no more metadata
    var size = view.getUint16(p + 2);
    if (size < 2) break;
    if (marker === 0xe1 && ascii(bytes, p + 4, p + 8) === "Exif" && p + 10 + 8 <= bytes.length) {
      var t = p + 10;
      var little = bytes[t] === 0x49;
      var ifd = t + view.getUint32(t + 4, little);
      if (ifd + 2 > bytes.length) return 1;
      var count = view.getUint16(ifd, little);
      for (var e = 0; e < count; e++) {
        var at = ifd + 2 + e * 12;
        if (at + 12 > bytes.length || at + 12 > p + 2 + size) return 1;
        if (view.getUint16(at, little) === 0x0112) {
          var value = view.getUint16(at + 8, little);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    p += 2 + size;
  }
  return 1;
}

/* Width and height from a JPEG's frame header or a PNG's IHDR, before decoding (null when the
 * header does not say): a bomb is refused without being decoded. */
function declaredSize(bytes) {
  var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) && bytes.length >= 24) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (startsWith(bytes, [0xff, 0xd8])) {
    var p = 2;
    while (p + 9 <= bytes.length && bytes[p] === 0xff) {
      var marker = bytes[p + 1];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: view.getUint16(p + 7), height: view.getUint16(p + 5) };
      }
      if (marker === 0xda) break;
      p += 2 + view.getUint16(p + 2);
    }
  }
  return null;
}

function hex(buffer) {
  var bytes = new Uint8Array(buffer), out = "";
  for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return out;
}

async function cryptoHashes(bytes) {
  var md5 = new self.PerisaiMd5();
  for (var at = 0; at < bytes.length; at += CHUNK) md5.update(bytes.subarray(at, at + CHUNK));
  var sha = await crypto.subtle.digest("SHA-256", bytes);
  return { md5: md5.hex(), sha256: hex(sha) };
}

/* As the Python hashing's fast mode (media/hashing.py): a picture whose long side is at least
 * twice FAST_MIN_SIDE is decoded at 1/2, 1/4 or 1/8 scale (JPEG always, other formats when
 * their raster is over 32 MiB), and the full-resolution filter is folded onto the reduced
 * grid. Most of the work of a 12-megapixel photo is then the browser's own decoder. */
var FAST_MIN_SIDE = 480;
var FAST_REDUCE_ABOVE_BYTES = 32 * 1024 * 1024;

function reduceFactor(width, height) {
  var factor = 1;
  while (factor < 8 && Math.floor(Math.max(width, height) / (factor * 2)) >= FAST_MIN_SIDE) {
    factor *= 2;
  }
  return factor;
}

/* Start decoding a picture (the browser decodes off this thread while the hashes are summed);
 * the promise settles to {bitmap, full} or {error}, so it never rejects unobserved. A bomb is
 * refused from its header before any decoding. */
function startDecoding(file, head, orientation) {
  var declared = declaredSize(head);
  if (declared && declared.width * declared.height > LIMITS.imagePixels) {
    return Promise.resolve({ error: new HashError("too_large", "image has too many pixels") });
  }
  // The browser turns the picture by its EXIF orientation ("from-image"), as our Python
  // hashing does; no colour management and no premultiplied alpha, as Pillow decodes.
  var options = {
    imageOrientation: "from-image",
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  };
  var full = null;
  if (declared) {
    var turned = orientation >= 5;
    full = {
      width: turned ? declared.height : declared.width,
      height: turned ? declared.width : declared.height,
    };
    var jpeg = startsWith(head, [0xff, 0xd8]);
    var factor = jpeg || full.width * full.height * 4 > FAST_REDUCE_ABOVE_BYTES
      ? reduceFactor(full.width, full.height)
      : 1;
    if (factor > 1) {
      options.resizeWidth = Math.ceil(full.width / factor);
      options.resizeHeight = Math.ceil(full.height / factor);
      options.resizeQuality = RESIZE_QUALITY;
    }
  }
  return createImageBitmap(file, options).then(
    function (bitmap) {
      var asked = options.resizeWidth;
      if (asked && (bitmap.width !== asked || bitmap.height !== options.resizeHeight)) {
        // Not the size asked for (a browser that resizes before turning): decode in full.
        bitmap.close();
        delete options.resizeWidth;
        delete options.resizeHeight;
        delete options.resizeQuality;
        return createImageBitmap(file, options).then(function (b) {
          return { bitmap: b, full: null };
        });
      }
      return { bitmap: bitmap, full: asked ? full : null };
    }
  ).then(
    function (decoded) { return decoded; },
    function () { return { error: new HashError("corrupt", "the picture cannot be decoded") }; }
  );
}

async function hashImage(decoding, orientation) {
  var decoded = await decoding;
  if (decoded.error) throw decoded.error;
  var bitmap = decoded.bitmap;
  var width = bitmap.width, height = bitmap.height;
  if (width < 1 || height < 1) throw new HashError("corrupt", "the picture has no pixels");
  if (width * height > LIMITS.imagePixels) {
    bitmap.close();
    throw new HashError("too_large", "image has too many pixels");
  }
  var canvas = new OffscreenCanvas(width, height);
  var context = canvas.getContext("2d", { willReadFrequently: true, alpha: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  var pixels = context.getImageData(0, 0, width, height).data;
  canvas.width = canvas.height = 1; // let the big backing store go at once
  var full = decoded.full;
  var pdq = full
    ? self.PerisaiPdq.fromRgba(pixels, width, height, full.width, full.height)
    : self.PerisaiPdq.fromRgba(pixels, width, height);
  return {
    pdq: pdq.hash,
    pdq_quality: pdq.quality,
    exif_orientation: orientation,
    width: full ? full.width : width,
    height: full ? full.height : height,
  };
}

async function hashFile(file) {
  if (!(file instanceof Blob)) throw new HashError("unsupported", "not a file");
  if (file.size === 0) throw new HashError("empty", "the file is empty");
  var head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
  var kind = kindOf(head);
  if (kind === "other") throw new HashError("unsupported", "not a picture or a video");
  var limit = kind === "image" ? LIMITS.imageBytes : LIMITS.videoBytes;
  if (file.size > limit) throw new HashError("too_large", "the file is too large");
  // The frame header of a JPEG can sit after large EXIF blocks: look in the first 256 KiB.
  var decoding = null, orientation = 1;
  if (kind === "image") {
    var start = new Uint8Array(await file.slice(0, 262144).arrayBuffer());
    orientation = startsWith(start, [0xff, 0xd8]) ? jpegOrientation(start) : 1;
    decoding = startDecoding(file, start, orientation);
  }
  var bytes = new Uint8Array(await file.arrayBuffer());
  var result = await cryptoHashes(bytes);
  result.kind = kind;
  result.size = file.size;
  if (decoding) {
    var image = await hashImage(decoding, orientation);
    for (var key in image) result[key] = image[key];
  }
  return result;
}

self.onmessage = function (event) {
  var msg = event.data || {};
  var work;
  if (msg.op === "hash") {
    work = hashFile(msg.file);
  } else if (msg.op === "frame") {
    work = Promise.resolve().then(function () {
      var pdq = self.PerisaiPdq.fromRgba(new Uint8ClampedArray(msg.rgba), msg.width, msg.height);
      return { pdq: pdq.hash, quality: pdq.quality };
    });
  } else {
    work = Promise.reject(new HashError("unsupported", "unknown operation"));
  }
  work.then(
    function (result) { self.postMessage({ id: msg.id, ok: true, result: result }); },
    function (err) {
      self.postMessage({
        id: msg.id,
        ok: false,
        code: err && err.code ? err.code : "failed",
        message: err && err.message ? String(err.message) : "hashing failed",
      });
    }
  );
};
