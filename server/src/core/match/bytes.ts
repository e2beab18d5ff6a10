// nginx compares and matches bytes, not characters: location prefixes with memcmp, regexes with
// PCRE in non-UTF mode (one byte = one character). The matcher therefore works on "byte strings":
// JavaScript strings whose every code unit is one byte (0-255). Config text and log text arrive
// as ordinary (UTF-16) strings and are converted with toBytes(); results go back with fromBytes().
// No Node built-ins here (the core has no TextEncoder in its lib), hence the hand-written codec.

/** UTF-8 encode a string into a byte string (lone surrogates become U+FFFD, as TextEncoder does). */
export function toBytes(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out += s[i];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

/** Decode a byte string as UTF-8; invalid sequences become U+FFFD (one per bad byte). */
export function fromBytes(b: string): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return b;
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b.charCodeAt(i);
    if (c < 0x80) {
      out += b[i];
      i++;
      continue;
    }
    const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? (c <= 0xef ? 2 : 0) : c >= 0xc2 ? 1 : 0;
    let cp = need === 3 ? c & 0x07 : need === 2 ? c & 0x0f : c & 0x1f;
    let ok = need > 0 && i + need < b.length;
    for (let k = 1; ok && k <= need; k++) {
      const n = b.charCodeAt(i + k);
      if (!(n >= 0x80 && n <= 0xbf)) ok = false;
      else cp = (cp << 6) | (n & 0x3f);
    }
    if (ok && ((need === 2 && cp < 0x800) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      out += '\ufffd';
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Number of bytes the string takes in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** ASCII-only lower-casing (ngx_strlow / ngx_tolower): bytes >= 0x80 are left alone. */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** Byte comparison as ngx_filename_cmp does it on Linux: bytes, but "/" sorts lowest (below every other byte except NUL). */
export function filenameCmp(a: string, b: string, n: number): number {
  for (let i = 0; i < n; i++) {
    const c1 = i < a.length ? a.charCodeAt(i) : 0;
    const c2 = i < b.length ? b.charCodeAt(i) : 0;
    if (c1 === c2) {
      if (c1) continue;
      return 0;
    }
    if (c1 === 0 || c2 === 0) return c1 - c2;
    return (c1 === 0x2f ? 0 : c1) - (c2 === 0x2f ? 0 : c2);
  }
  return 0;
}
