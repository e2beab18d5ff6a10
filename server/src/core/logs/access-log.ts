// Access-log lines in any `log_format`: the format string is compiled into an anchored regex with
// one group per variable ($name or ${name}); the text between variables must match literally.
// Values are escaped by nginx (escape=default: " \ and bytes < 0x20 or >= 0x7f as \xXX;
// escape=json: JSON string escapes; escape=none: raw), so a quoted variable cannot contain a bare
// quote except with escape=none. Variables with a known shape get a tight pattern, the rest a
// lazy one.
import type { ConfigSet } from '../workspace/config-set';
import { RE2JS } from 're2js';
import { fromBytes } from '../match/bytes';

export interface LogFormat {
  name: string;
  format: string;
  escape: 'default' | 'json' | 'none';
  vars: string[];
  /** The format's regex (JavaScript syntax; also valid RE2). */
  source: string;
  /** Runs the regex on a line: the groups, or null. */
  match(line: string): ArrayLike<string | undefined> | null;
}

export interface AccessLogEntry {
  kind: 'access';
  line: number;
  raw: string;
  /** Name of the log_format that parsed it. */
  format: string;
  /** Variable name (without "$") -> value as logged ("-" kept). */
  fields: Record<string, string>;
  time?: string;
  status?: number;
  request?: string;
  host?: string;
  serverName?: string;
  upstreamAddr?: string;
  upstreamStatus?: string;
  remoteAddr?: string;
}

export const COMBINED_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
/** The `main` format of nginx.org's sample nginx.conf (and Docker's nginx image). */
export const MAIN_FORMAT = `${COMBINED_FORMAT} "$http_x_forwarded_for"`;

const SHAPES: Record<string, string> = {
  status: '\\d{3}',
  body_bytes_sent: '\\d+',
  bytes_sent: '\\d+',
  request_length: '\\d+',
  connection: '\\d+',
  connection_requests: '\\d+',
  pid: '\\d+',
  msec: '\\d+\\.\\d+',
  request_time: '\\d+\\.\\d+',
  time_local: '\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}',
  time_iso8601: '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:Z|[+-]\\d\\d:\\d\\d)',
  remote_addr: '[^\\s"]+',
  binary_remote_addr: '[\\s\\S]*?',
  remote_port: '\\d+|-',
  server_port: '\\d+|-',
  server_addr: '[^\\s"]+',
  server_protocol: '[A-Z]+/\\d\\.\\d|-|',
  request_method: '[A-Z_-]+|-',
  scheme: 'https?',
  https: 'on|',
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles a log_format string. Throws on nothing; a format with no variables still compiles. */
export function compileLogFormat(name: string, format: string, escape: LogFormat['escape'] = 'default'): LogFormat {
  const vars: string[] = [];
  let re = '^';
  const parts = format.split(/(\$\{[A-Za-z0-9_]+\}|\$[A-Za-z0-9_]+)/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 0) {
      re += escapeRe(part);
      continue;
    }
    const v = part.replace(/^\$\{?|\}$/g, '');
    vars.push(v);
    const before = parts[i - 1] ?? '';
    const after = parts[i + 1] ?? '';
    const quoted = before.endsWith('"') && after.startsWith('"');
    let shape = SHAPES[v];
    if (shape) shape = `${shape}|-`;
    else if (quoted && escape === 'default') shape = '[^"]*';
    else if (quoted && escape === 'json') shape = '(?:[^"\\\\]|\\\\.)*';
    else if (i === parts.length - 2 && after === '') shape = '.*';
    else shape = '.*?';
    re += `(${shape})`;
  }
  re += '$';
  return { name, format, escape, vars, source: re, match: matcherFor(format, re) };
}

/**
 * A format from a config can be hostile: `log_format x '$a $b $c $d ...'` gives lazy groups that
 * a backtracking engine explores in polynomial time on a line that does not fit. Those run on
 * re2js (linear time); the built-in combined and main formats, whose groups cannot overlap, on
 * JavaScript's engine, which is faster.
 */
function matcherFor(format: string, source: string): LogFormat['match'] {
  if (format === COMBINED_FORMAT || format === MAIN_FORMAT) {
    const re = new RegExp(source);
    return (line) => re.exec(line);
  }
  try {
    const re2 = RE2JS.compile(source);
    // the DFA answers yes/no in a few microseconds; the groups are extracted only for lines that fit
    return (line) => (re2.test(line) ? re2.exec(line) : null);
  } catch {
    return () => null;
  }
}

export const COMBINED = compileLogFormat('combined', COMBINED_FORMAT);
export const MAIN = compileLogFormat('main', MAIN_FORMAT);

/** The log_format definitions of a config (http level), in order, compiled. */
export function logFormatsFromConfig(set: ConfigSet): LogFormat[] {
  const out: LogFormat[] = [];
  for (const n of set.all) {
    if (n.d.name !== 'log_format' || n.ctx !== 'http' || n.d.args.length < 2) continue;
    const args = n.d.args.map((a) => a.value);
    const name = args[0]!;
    let k = 1;
    let escape: LogFormat['escape'] = 'default';
    const esc = /^escape=(default|json|none)$/.exec(args[1]!);
    if (esc) {
      escape = esc[1] as LogFormat['escape'];
      k = 2;
    }
    const format = args.slice(k).join('');
    if (!format || out.some((f) => f.name === name)) continue;
    out.push(compileLogFormat(name, format, escape));
  }
  return out;
}

/** Parses one access-log line with the first format that fits; null when none does. */
export function parseAccessLine(text: string, formats: readonly LogFormat[], line = 1): AccessLogEntry | null {
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  for (const f of formats) {
    const m = f.match(t);
    if (!m) continue;
    const fields: Record<string, string> = {};
    f.vars.forEach((v, i) => {
      if (!(v in fields)) fields[v] = unescapeValue(m[i + 1] ?? '', f.escape);
    });
    const e: AccessLogEntry = { kind: 'access', line, raw: t, format: f.name, fields };
    const get = (k: string): string | undefined => {
      const v = fields[k];
      return v === undefined || v === '-' ? undefined : v;
    };
    const time = get('time_local') ?? get('time_iso8601');
    if (time) e.time = time;
    const status = get('status');
    if (status && /^\d{3}$/.test(status)) e.status = Number(status);
    const request = get('request') ?? (get('request_method') && get('request_uri') ? `${get('request_method')} ${get('request_uri')} ${get('server_protocol') ?? ''}`.trim() : undefined);
    if (request) e.request = request;
    const host = get('host') ?? get('http_host');
    if (host) e.host = host;
    const sn = fields['server_name'];
    if (sn !== undefined) e.serverName = sn;
    const ua = get('upstream_addr');
    if (ua) e.upstreamAddr = ua;
    const us = get('upstream_status');
    if (us) e.upstreamStatus = us;
    const ra = get('remote_addr');
    if (ra) e.remoteAddr = ra;
    return e;
  }
  return null;
}

function unescapeValue(v: string, escape: LogFormat['escape']): string {
  if (escape === 'none' || v.indexOf('\\') < 0) return v;
  if (escape === 'json') {
    return v.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
      if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
      return ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
    });
  }
  // \xXX are bytes: decode them as UTF-8 like the rest of the line
  const bytes = v.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return /[^\x00-\xff]/.test(bytes) ? bytes : fromBytes(bytes);
}
