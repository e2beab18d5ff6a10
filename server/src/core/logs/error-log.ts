// Parses nginx error-log lines (ngx_log_error_core + ngx_http_log_error_handler, nginx-facts §1):
//
//   TIME [LEVEL] PID#TID: [*CONN ]MESSAGE[ (ERRNO: TEXT)][ while ACTION][, client: A, server: S
//   [, request: "..."][, subrequest: "..."][, upstream: "..."][, host: "..."][, referrer: "..."]]
//
// Values are copied in raw by nginx, so quoted fields may contain quotes and the message itself may
// contain ", client: " (header values, FastCGI stderr). The context is therefore found by trying
// each ", client: " from the left and keeping the first one after which the whole rest parses as
// a context. Lines nginx cut at 2047 bytes (NGX_MAX_ERROR_STR) may end inside any field.
// Syslog-style prefixes before the timestamp are kept aside. Multi-line entries (FastCGI stderr,
// Lua tracebacks) are assembled by LogReader (reader.ts), which calls parseErrorText on the joined text.

export interface ErrorContext {
  client?: string;
  /** "udp" for stream-module UDP sessions. */
  transport?: string;
  server?: string;
  request?: string;
  subrequest?: string;
  upstream?: string;
  host?: string;
  referrer?: string;
  /** stream module: ", bytes from/to client:A/B, bytes from/to upstream:C/D" */
  bytes?: string;
}

export interface ErrorLogEntry {
  kind: 'error';
  /** 1-based number of the (first) physical line. */
  line: number;
  /** Number of physical lines the entry spans (continuations). */
  lines: number;
  /** The entry's text as read (continuation lines joined with "\n"). */
  raw: string;
  /** Text before nginx's timestamp (a syslog header, a container-log prefix). */
  prefix?: string;
  /** "YYYY/MM/DD HH:MM:SS", nginx's local time. */
  time: string;
  level: string;
  pid: number;
  tid: number;
  connection?: number;
  /** The message without errno, action and context. */
  message: string;
  errno?: { code: number; text: string };
  action?: string;
  context: ErrorContext;
  /** True when the line reached nginx's 2047-byte limit, so its end (context) may be missing. */
  truncated: boolean;
}

export const LEVELS = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'] as const;

const HEAD = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[(emerg|alert|crit|error|warn|notice|info|debug)\] (\d+)#(\d+): (?:\*(\d+) )?/;
const HEAD_ANYWHERE = /(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[(?:emerg|alert|crit|error|warn|notice|info|debug)\] \d+#\d+: /;

/** The limit nginx cuts lines at: NGX_MAX_ERROR_STR (2048) minus the newline. */
export const MAX_LINE_BYTES = 2047;

/** Where an error-log entry starts in the line: 0, the length of a prefix, or -1 when it is none. */
export function errorLineStart(line: string): number {
  if (HEAD.test(line)) return 0;
  const m = HEAD_ANYWHERE.exec(line.length > 400 ? line.slice(0, 400) : line);
  return m ? m.index : -1;
}

/**
 * Parses one error-log entry (possibly several physical lines joined with "\n").
 * `bytes` is its length in bytes (for the truncation test); null when it is not an error-log line.
 */
export function parseErrorText(text: string, line = 1, bytes = text.length): ErrorLogEntry | null {
  const start = errorLineStart(text);
  if (start < 0) return null;
  const body = start ? text.slice(start) : text;
  const m = HEAD.exec(body);
  if (!m) return null;
  const truncated = bytes >= MAX_LINE_BYTES;
  let rest = body.slice(m[0].length);
  // a trailing CR (logs copied from Windows tools) is not part of the message
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  const entry: ErrorLogEntry = {
    kind: 'error',
    line,
    lines: text.split('\n').length,
    raw: text,
    time: m[1]!,
    level: m[2]!,
    pid: Number(m[3]),
    tid: Number(m[4]),
    message: rest,
    context: {},
    truncated,
  };
  if (start) entry.prefix = text.slice(0, start);
  if (m[5] !== undefined) entry.connection = Number(m[5]);
  const split = splitContext(rest, truncated);
  let pre = rest;
  if (split) {
    pre = rest.slice(0, split.at);
    entry.context = split.context;
  }
  const action = / while ([A-Za-z0-9][A-Za-z0-9 /|_.-]*)$/.exec(pre);
  if (action && action.index > 0) {
    entry.action = action[1]!;
    pre = pre.slice(0, action.index);
  }
  const errno = / \((\d+): ([^()]*)\)$/.exec(pre);
  if (errno) {
    entry.errno = { code: Number(errno[1]), text: errno[2]! };
    pre = pre.slice(0, errno.index);
    if (pre.endsWith('...')) pre = pre.slice(0, -3);
  }
  entry.message = pre;
  return entry;
}

const QUOTED = ['request', 'subrequest', 'upstream', 'host', 'referrer'] as const;

interface Split {
  at: number;
  context: ErrorContext;
}

/** Finds the context ", client: ..." at the end of an entry's text. */
export function splitContext(text: string, truncated: boolean): Split | null {
  let from = 0;
  for (;;) {
    const a = text.indexOf(', client: ', from);
    const b = text.indexOf(', udp client: ', from);
    const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    if (at < 0) return null;
    const ctx = parseContext(text, at, truncated);
    if (ctx) return { at, context: ctx };
    from = at + 2;
  }
}

function parseContext(text: string, at: number, truncated: boolean): ErrorContext | null {
  const ctx: ErrorContext = {};
  let p = at;
  if (text.startsWith(', udp client: ', p)) {
    ctx.transport = 'udp';
    p += ', udp client: '.length;
  } else p += ', client: '.length;
  const end = text.length;
  // client: no spaces, no commas
  let q = p;
  while (q < end && text[q] !== ',' && text[q] !== ' ' && text[q] !== '\n') q++;
  ctx.client = text.slice(p, q);
  if (q === end) return ctx.client || truncated ? ctx : null;
  if (!text.startsWith(', server: ', q)) {
    return truncated && ', server: '.startsWith(text.slice(q)) ? ctx : null;
  }
  p = q + ', server: '.length;
  // server: no white space; ends at the next known key or the end
  const memo = new Map<number, Parsed | null>();
  for (let k = p; k <= end; k++) {
    const c = text[k];
    if (k === end) {
      ctx.server = text.slice(p, k);
      return ctx;
    }
    if (c === ' ' || c === '\n' || c === '\t') return null;
    if (c === ',' && text[k + 1] === ' ') {
      const r = fields(text, k, 0, truncated, memo);
      if (r) {
        ctx.server = text.slice(p, k);
        return Object.assign(ctx, r.fields);
      }
    }
  }
  return null;
}

interface Parsed {
  /** Number of fields found: the parse with the most fields wins (nginx writes every field it has). */
  count: number;
  fields: ErrorContext;
}

/**
 * Parses the quoted fields from `p` (at ", key: ") on, in nginx's fixed order, starting at field
 * index idx. Quoted values may contain quotes, so every quote followed by a later key (or the end)
 * is a possible end; the parse that finds the most fields wins. Results are memoised per (p, idx).
 */
function fields(text: string, p: number, idx: number, truncated: boolean, memo: Map<number, Parsed | null>): Parsed | null {
  const key = p * 8 + idx;
  if (memo.has(key)) return memo.get(key)!;
  memo.set(key, null); // guards against cycles (none expected: p only grows)
  const r = fieldsAt(text, p, idx, truncated, memo);
  memo.set(key, r);
  return r;
}

function fieldsAt(text: string, p: number, idx: number, truncated: boolean, memo: Map<number, Parsed | null>): Parsed | null {
  const end = text.length;
  if (p === end) return { count: 0, fields: {} };
  let best: Parsed | null = null;
  // most fields first; on a tie the later quote (a longer value for this field) wins, since the
  // values that carry quotes (request line, URI) come before the short ones (host)
  const consider = (r: Parsed | null): void => {
    if (r && (!best || r.count >= best.count)) best = r;
  };
  for (let i = idx; i < QUOTED.length; i++) {
    const k = `, ${QUOTED[i]}: "`;
    if (!text.startsWith(k, p)) {
      if (truncated && k.startsWith(text.slice(p))) consider({ count: 0, fields: {} });
      continue;
    }
    const vStart = p + k.length;
    const name = QUOTED[i]!;
    for (let q = text.indexOf('"', vStart); q >= 0; q = text.indexOf('"', q + 1)) {
      if (q + 1 === end) {
        consider({ count: 1, fields: { [name]: text.slice(vStart, q) } });
        continue;
      }
      if (text.startsWith(', ', q + 1)) {
        const r = fields(text, q + 1, i + 1, truncated, memo);
        if (r) consider({ count: r.count + 1, fields: { [name]: text.slice(vStart, q), ...r.fields } });
      }
    }
    if (!best && truncated) consider({ count: 1, fields: { [name]: text.slice(vStart) } });
    return best;
  }
  // stream module statistics
  const bytes = /^, bytes from\/to client:\d+\/\d+, bytes from\/to upstream:\d+\/\d+$/.exec(text.slice(p));
  if (bytes) return { count: 1, fields: { bytes: bytes[0].slice(2) } };
  const tail = text.slice(p);
  if (truncated && (', bytes from/to '.startsWith(tail) || tail.startsWith(', bytes from/to '))) return { count: 0, fields: {} };
  return best;
}
