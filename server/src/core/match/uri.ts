// The request target as nginx sees it before matching: the request-line URI parser
// (ngx_http_parse_request_line) and the normaliser (ngx_http_parse_complex_uri): percent-decoding,
// merged slashes, "." and ".." segments, the query string and "#" cut off. Everything works on
// byte strings (see bytes.ts). Failures are the cases where nginx answers 400.

export interface RequestLine {
  method: string;
  /** The request target exactly as sent (byte string). */
  target: string;
  /** "HTTP/1.1", or "" for an HTTP/0.9 request line without a version. */
  protocol: string;
}

/** Splits "GET /x HTTP/1.1" (the text nginx logs as `request: "..."`). Null when it is not a request line. */
export function parseRequestLine(line: string): RequestLine | null {
  const m = /^([A-Z_-]+) +(\S+)(?: +(HTTP\/\d+\.\d+))? *$/.exec(line);
  if (!m) return null;
  return { method: m[1]!, target: m[2]!, protocol: m[3] ?? '' };
}

export type Target =
  | {
      ok: true;
      /** Host from an absolute-form target ("GET http://h:8080/x"), without port, or null. */
      host: string | null;
      /** The path and query as sent (byte string), "/" for an absolute target with no path. */
      unparsed: string;
      /** The normalised, decoded path that locations are matched against (byte string). */
      uri: string;
      /** The query string, without "?" (byte string). */
      args: string;
    }
  | { ok: false; reason: string };

const isAlpha = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Parses a request target (origin form "/a?b" or absolute form "http://host/a") and normalises
 * its path like nginx. `mergeSlashes` is `merge_slashes` of the server that receives the request
 * line (the default server of the address:port, before Host is known).
 */
export function parseTarget(target: string, mergeSlashes = true): Target {
  let i = 0;
  const n = target.length;
  let host: string | null = null;
  let uriStart = 0;
  let emptyPath = false;
  if (n === 0) return { ok: false, reason: 'an empty request target is invalid (400)' };
  const first = target.charCodeAt(0);
  if (first !== 0x2f) {
    if (!isAlpha(first)) return { ok: false, reason: `a request target must start with "/" or a scheme (400)` };
    while (i < n && (isAlpha(target.charCodeAt(i)) || isDigit(target.charCodeAt(i)) || '+-.'.includes(target[i]!))) i++;
    if (target.slice(i, i + 3) !== '://') return { ok: false, reason: 'invalid scheme in an absolute request target (400)' };
    i += 3;
    const hostStart = i;
    if (target[i] === '[') {
      while (i < n && target[i] !== ']') i++;
      if (i >= n) return { ok: false, reason: 'unterminated IPv6 literal in the request target (400)' };
      i++;
    } else {
      while (i < n && (isAlpha(target.charCodeAt(i)) || isDigit(target.charCodeAt(i)) || target[i] === '.' || target[i] === '-')) i++;
    }
    host = target.slice(hostStart, i);
    if (target[i] === ':') {
      i++;
      while (i < n && isDigit(target.charCodeAt(i))) i++;
    }
    if (i >= n) {
      uriStart = -1; // the single "/" nginx borrows from "://"
    } else if (target[i] === '/') {
      uriStart = i;
    } else if (target[i] === '?') {
      uriStart = i;
      emptyPath = true;
    } else return { ok: false, reason: 'invalid character after the host in the request target (400)' };
  }
  const unparsed = uriStart < 0 ? '/' : target.slice(uriStart);
  for (let k = 0; k < unparsed.length; k++) {
    const c = unparsed.charCodeAt(k);
    if (c < 0x20 || c === 0x7f) return { ok: false, reason: 'a control character in the request target makes the request invalid (400)' };
    if (c === 0x20) return { ok: false, reason: 'a space inside the request target makes the request line invalid (400)' };
  }
  const norm = normalizePath(emptyPath ? unparsed : unparsed, mergeSlashes, emptyPath);
  if (!norm.ok) return norm;
  if (host !== null) {
    const h = validateHost(host);
    if (h === null) return { ok: false, reason: 'invalid host in the request line (400)' };
    host = h;
  }
  return { ok: true, host, unparsed, uri: norm.uri, args: norm.args };
}

type Norm = { ok: true; uri: string; args: string } | { ok: false; reason: string };

const enum S {
  Usual,
  Slash,
  Dot,
  DotDot,
  Quoted,
  QuotedSecond,
}

/** A port of ngx_http_parse_complex_uri (Linux build) over a byte string. */
export function normalizePath(raw: string, mergeSlashes: boolean, emptyPath = false): Norm {
  const invalid = (why: string): Norm => ({ ok: false, reason: `${why} (400)` });
  const u: number[] = [];
  if (emptyPath) u.push(0x2f);
  let state: S = S.Usual;
  let quotedState: S = S.Usual;
  let decoded = 0;
  let p = 0;
  const end = raw.length;
  // nginx reads one byte past the URI (the space or CR after it); a NUL stands in for it here.
  const at = (k: number): number => (k < end ? raw.charCodeAt(k) : 0x20);
  let ch = at(p++);
  let argsFrom = -1;
  const cutTo = (): boolean => {
    // u -= 4; then back to the previous "/" (a ".." segment)
    let k = u.length - 4;
    for (;;) {
      if (k < 0) return false;
      if (u[k] === 0x2f) {
        u.length = k + 1;
        return true;
      }
      k--;
    }
  };
  const usualByte = (c: number): boolean => {
    // the "usual" table of ngx_http_parse.c: everything but controls, space, '#', '%', '.', '/', '?'
    if (c >= 0x80) return true;
    if (c < 0x21 || c === 0x7f) return false;
    return !(c === 0x23 || c === 0x25 || c === 0x2e || c === 0x2f || c === 0x3f);
  };
  loop: while (p <= end) {
    switch (state) {
      case S.Usual:
        if (usualByte(ch)) {
          u.push(ch);
          ch = at(p++);
          break;
        }
        switch (ch) {
          case 0x2f:
            state = S.Slash;
            u.push(ch);
            break;
          case 0x25:
            quotedState = state;
            state = S.Quoted;
            break;
          case 0x3f:
            argsFrom = p;
            break loop;
          case 0x23:
            argsFrom = -2;
            break loop;
          default:
            u.push(ch);
        }
        ch = at(p++);
        break;
      case S.Slash:
        if (usualByte(ch)) {
          state = S.Usual;
          u.push(ch);
          ch = at(p++);
          break;
        }
        switch (ch) {
          case 0x2f:
            if (!mergeSlashes) u.push(ch);
            break;
          case 0x2e:
            state = S.Dot;
            u.push(ch);
            break;
          case 0x25:
            quotedState = state;
            state = S.Quoted;
            break;
          case 0x3f:
            argsFrom = p;
            break loop;
          case 0x23:
            argsFrom = -2;
            break loop;
          default:
            state = S.Usual;
            u.push(ch);
        }
        ch = at(p++);
        break;
      case S.Dot:
        if (usualByte(ch)) {
          state = S.Usual;
          u.push(ch);
          ch = at(p++);
          break;
        }
        switch (ch) {
          case 0x2f:
            state = S.Slash;
            u.pop();
            break;
          case 0x2e:
            state = S.DotDot;
            u.push(ch);
            break;
          case 0x25:
            quotedState = state;
            state = S.Quoted;
            break;
          case 0x3f:
            u.pop();
            argsFrom = p;
            break loop;
          case 0x23:
            u.pop();
            argsFrom = -2;
            break loop;
          default:
            state = S.Usual;
            u.push(ch);
        }
        ch = at(p++);
        break;
      case S.DotDot:
        if (usualByte(ch)) {
          state = S.Usual;
          u.push(ch);
          ch = at(p++);
          break;
        }
        switch (ch) {
          case 0x2f:
          case 0x3f:
          case 0x23:
            if (!cutTo()) return invalid('".." above the root makes the request invalid');
            if (ch === 0x3f) {
              argsFrom = p;
              break loop;
            }
            if (ch === 0x23) {
              argsFrom = -2;
              break loop;
            }
            state = S.Slash;
            break;
          case 0x25:
            quotedState = state;
            state = S.Quoted;
            break;
          default:
            state = S.Usual;
            u.push(ch);
        }
        ch = at(p++);
        break;
      case S.Quoted:
        if (isDigit(ch)) {
          decoded = ch - 0x30;
          state = S.QuotedSecond;
          ch = at(p++);
          break;
        }
        if ((ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x66) {
          decoded = (ch | 0x20) - 0x61 + 10;
          state = S.QuotedSecond;
          ch = at(p++);
          break;
        }
        return invalid('a bad percent-escape makes the request invalid');
      case S.QuotedSecond:
        if (isDigit(ch)) {
          ch = (decoded << 4) + (ch - 0x30);
          if (ch === 0x25 || ch === 0x23) {
            state = S.Usual;
            u.push(ch);
            ch = at(p++);
            break;
          } else if (ch === 0) {
            return invalid('"%00" makes the request invalid');
          }
          state = quotedState;
          break;
        }
        if ((ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x66) {
          ch = (decoded << 4) + ((ch | 0x20) - 0x61) + 10;
          if (ch === 0x3f) {
            state = S.Usual;
            u.push(ch);
            ch = at(p++);
            break;
          }
          state = quotedState;
          break;
        }
        return invalid('a bad percent-escape makes the request invalid');
    }
  }
  if (argsFrom === -1) {
    if (state === S.Quoted || state === S.QuotedSecond) return invalid('a truncated percent-escape makes the request invalid');
    if (state === S.Dot) u.pop();
    else if (state === S.DotDot && !cutTo()) return invalid('".." above the root makes the request invalid');
  }
  let args = '';
  if (argsFrom >= 0) {
    const hash = raw.indexOf('#', argsFrom);
    args = raw.slice(argsFrom, hash < 0 ? end : hash);
  }
  return { ok: true, uri: String.fromCharCode(...u.slice(0, 65536)) + (u.length > 65536 ? fromLong(u.slice(65536)) : ''), args };
}

function fromLong(codes: number[]): string {
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

/**
 * ngx_http_validate_host: lower-cases (ASCII), drops ":port" and one trailing dot; null when nginx
 * answers 400 (empty, "..", "/", controls or spaces).
 */
export function validateHost(host: string): string | null {
  let dotPos = -2;
  let hostLen = host.length;
  let state = 0; // 0 usual, 1 literal, 2 rest
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    switch (c) {
      case 0x2e:
        if (dotPos === i - 1) return null;
        dotPos = i;
        break;
      case 0x3a:
        if (state === 0) {
          hostLen = i;
          state = 2;
        }
        break;
      case 0x5b:
        if (i === 0) state = 1;
        break;
      case 0x5d:
        if (state === 1) {
          hostLen = i + 1;
          state = 2;
        }
        break;
      default:
        if (c === 0x2f) return null;
        if (c <= 0x20 || c === 0x7f) return null;
    }
  }
  if (dotPos === hostLen - 1) hostLen--;
  if (hostLen <= 0) return null;
  return host.slice(0, hostLen).replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
