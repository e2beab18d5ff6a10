// `nginx-doctor explain --config ROOT [--format text|json] [--all] [LOGFILE|-]`: reads an error
// or access log as a stream and explains every upstream failure (every parsed line with --all):
// the cause, the status the client got, and the server block and location that handled the
// request. JSON: one object per line (fields below). Text: a report grouped by location, with
// counts. Exit 0 normally, 2 on usage or I/O errors; unparsable lines are counted on stderr.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CONFIDENCE_MEANING, CachedLineExplainer, Explainer, LogReader, Matcher, causeById, lineOf, logFormatsFromConfig, markStale, staleAddress, staticNames, type ConfigNode, type Confidence, type Explanation, type LineExplanation, type Model, type Resolve } from '../core/index';
import { resolveNames } from '../remote/resolve-names';
import { parseCommandArgs, one, UsageError } from './args';
import { loadConfigOrReport } from '../host/load-config';
import { forEachLine } from './lines';
import { locationJson } from './match';
import { safeText } from './sanitize';

export interface AsyncIo {
  /** Write to stdout; false when the stream wants a pause (then await drain()). */
  out(text: string): boolean;
  err(text: string): void;
  drain(): Promise<void>;
  stdin: AsyncIterable<Buffer | string>;
}

export function explanationJson(x: Explanation): Record<string, unknown> {
  const e = x.entry;
  return {
    logLine: e.line,
    time: x.time,
    level: x.level,
    cause: x.cause.id,
    status: x.status,
    message: x.message,
    client: x.client,
    server: x.serverName,
    request: x.request ? { method: x.request.method, uri: x.request.target, protocol: x.request.protocol } : null,
    upstream: x.upstream,
    host: x.host,
    serverBlock: x.server ? { file: x.server.node.file.source.path, line: lineOf(x.server.node) } : null,
    location: locationJson(x.location),
    confidence: x.confidence,
    why: x.why,
    via: x.via,
    candidates: x.candidates.map((c) => ({
      serverBlock: { file: c.server.node.file.source.path, line: lineOf(c.server.node) },
      location: locationJson(c.location),
      why: c.why,
    })),
    summary: x.summary,
    fixes: x.fixes,
  };
}

/**
 * --resolve: the config's host names resolved once (here, or through the prefix), then every line
 * whose peer is not what its name resolves to now becomes upstream-stale-address (once per shape
 * of line: the lines of one shape share the peer).
 */
async function staleMarker(model: Model, prefix: string[]): Promise<(e: LineExplanation) => LineExplanation> {
  const answers = await resolveNames(staticNames(model).map((s) => s.host), prefix);
  const resolve: Resolve = (n) => answers.get(n) ?? null;
  const decided = new WeakMap<object, boolean>();
  const cause = causeById('upstream-stale-address');
  return (e) => {
    let isStale = decided.get(e.same);
    if (isStale === undefined) {
      const x = e.explanation();
      const s = staleAddress(x, model, resolve);
      if (s) markStale(x, s);
      decided.set(e.same, (isStale = s !== null));
    }
    // the line's own values stay; only its cause reads differently
    return isStale ? (Object.create(e, { cause: { value: cause } }) as LineExplanation) : e;
  };
}

interface Group {
  title: string;
  order: number;
  count: number;
  causes: Map<string, { count: number; status: string; title: string; lines: number[]; sample: string; fixes: string[]; confidence: Set<Confidence>; why: string | null; via: string[] }>;
}

export async function runExplain(argv: string[], io: AsyncIo): Promise<number> {
  const args = parseCommandArgs(argv, 'explain');
  const format = one(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (args.positionals.length > 1) throw new UsageError('explain reads one log file (or "-" for stdin)');
  const root = one(args, 'config');
  if (!root) throw new UsageError('explain needs --config ROOT (the nginx.conf that wrote the log)');
  const file = args.positionals[0] ?? '-';
  const all = args.flags.has('all');
  const via = one(args, 'resolve-via');
  const prefix = via === undefined ? [] : via.trim().split(/\s+/).filter(Boolean);
  if (via !== undefined && (!prefix.length || prefix[0]!.startsWith('-'))) throw new UsageError(`--resolve-via takes a command prefix such as "docker exec web", not "${via}"`);
  const resolving = args.flags.has('resolve') || via !== undefined;
  const set = loadConfigOrReport(root, one(args, 'conf-dir'), io.err);
  if (!set) return 2;
  let input: AsyncIterable<Buffer | string>;
  if (file === '-') input = io.stdin;
  else {
    try {
      const st = await stat(file);
      if (st.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      io.err(`nginx-doctor: cannot read "${file}": ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message}\n`);
      return 2;
    }
    input = createReadStream(file, { highWaterMark: 1 << 20 });
  }
  const matcher = new Matcher(set, { hostname: hostname() });
  // one pass over a log that may name every place of a big config: caches of up to ~300 MB
  // (160k links, 60k attempt-site lists) instead of the ~100 MB a long-running tail keeps
  const explainer = new Explainer(matcher, { links: 80_000, attempts: 30_000 });
  const reader = new LogReader({ formats: logFormatsFromConfig(set) });
  // repeated lines (same failure, URI and server) are explained once: see core/logs/line-cache.ts
  const lines = new CachedLineExplainer(reader, explainer, all, 24_000_000);
  const stale = resolving ? await staleMarker(matcher.model, prefix) : null;
  let pending = '';
  let reported = 0;
  const groups = new Map<string, Group>();
  const report = (line: LineExplanation): void => {
    reported++;
    const e = stale ? stale(line) : line;
    if (format === 'json') pending += jsonLine(e);
    else addToGroups(groups, e);
  };
  const flush = async (): Promise<void> => {
    if (pending.length < 1 << 16) return;
    const ok = io.out(pending);
    pending = '';
    if (!ok) await io.drain();
  };
  try {
    await forEachLine(input, (text, bytes) => lines.push(text, bytes, report), flush);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    io.err(`nginx-doctor: cannot read "${file}": ${err.code === 'EISDIR' ? 'it is a directory' : err.message}\n`);
    return 2;
  }
  lines.end(report);
  if (format === 'text') {
    // the report of a big log is big (130 MB for 1M lines over 1,000 servers): written in pieces
    for (const piece of renderGroups(groups, reported, reader.stats.lines, all)) {
      pending += safeText(piece);
      await flush();
    }
  }
  if (pending) io.out(pending);
  const s = reader.stats;
  if (s.garbage) {
    io.err(`nginx-doctor: skipped ${s.garbage} line(s) that are neither error-log nor access-log lines${s.garbageSamples.length ? ` (first at line ${s.garbageSamples[0]!.line}: ${JSON.stringify(s.garbageSamples[0]!.text.slice(0, 80))})` : ''}\n`);
  }
  return 0;
}

/** The text of explanationJson around the values that differ between lines of one template. */
interface JsonParts {
  /** From "level" to "message", without braces. */
  middle: string;
  /** From "server" on, without braces. */
  rest: string;
}

/** One line of JSON output, as JSON.stringify(explanationJson(x)) with the line's own values. */
function jsonLine(e: LineExplanation): string {
  let parts = e.same.memo as JsonParts | undefined;
  if (!parts) {
    const { logLine: _l, time: _t, client: _c, ...others } = explanationJson(e.explanation());
    const keys = Object.keys(others);
    const cut = keys.indexOf('server');
    const pick = (ks: string[]): string => JSON.stringify(Object.fromEntries(ks.map((k) => [k, others[k]]))).slice(1, -1);
    parts = { middle: pick(keys.slice(0, cut)), rest: pick(keys.slice(cut)) };
    e.same.memo = parts;
  }
  return `{"logLine":${e.line},"time":${JSON.stringify(e.time)},${parts.middle},"client":${JSON.stringify(e.client)},${parts.rest}}\n`;
}

/** Where a template's lines are counted: its group and its cause within the group. */
interface Placed {
  group: Group;
  cause: Group['causes'] extends Map<string, infer C> ? C : never;
}

function addToGroups(groups: Map<string, Group>, e: LineExplanation): void {
  let p = e.same.memo as Placed | undefined;
  if (!p) {
    p = place(groups, e);
    e.same.memo = p;
  }
  p.group.count++;
  p.cause.count++;
  p.cause.confidence.add(e.confidence);
  if (p.cause.lines.length < 8) p.cause.lines.push(e.line);
}

/** The group key of a location or server block directive ("L<file>:<line>"), computed once per directive. */
const groupKeys = new WeakMap<object, string>();

function groupKey(prefix: string, node: ConfigNode): string {
  let k = groupKeys.get(node.d);
  if (k === undefined) groupKeys.set(node.d, (k = `${prefix}${node.file.source.path}:${lineOf(node)}`));
  return k;
}

/** The group and cause entry of a line: by its location (or server) and cause, as in the report. */
function place(groups: Map<string, Group>, e: LineExplanation): Placed {
  const x = e;
  const key = x.location ? groupKey('L', x.location.node) : x.server ? groupKey('S', x.server.node) : 'none';
  let g = groups.get(key);
  if (!g) {
    g = { title: groupTitle(x), order: x.location ? 0 : x.server ? 1 : 2, count: 0, causes: new Map() };
    groups.set(key, g);
  }
  const status = x.status === null ? (x.bodyPhase ? 'truncated' : '-') : x.status === 9 ? '009' : String(x.status);
  let c = g.causes.get(x.cause.id);
  if (!c) {
    const full = e.explanation();
    c = { count: 0, status, title: x.cause.title, lines: [], sample: full.message, fixes: full.fixes.slice(0, 4), confidence: new Set(), why: full.why, via: full.via };
    g.causes.set(x.cause.id, c);
  }
  return { group: g, cause: c };
}

function groupTitle(x: LineExplanation): string {
  if (x.location) {
    return `location ${x.location.modifier ? `${x.location.modifier} ` : ''}${x.location.name}  (${x.location.node.file.source.path}:${lineOf(x.location.node)}${x.server ? `, server ${x.server.loggedName || '""'}` : ''})`;
  }
  if (x.server) return `server ${x.server.loggedName || '""'}  (${x.server.node.file.source.path}:${lineOf(x.server.node)}), no single location`;
  return 'not linked to the config';
}

/** The text report, one piece per place (the pieces joined are the report). */
function* renderGroups(groups: Map<string, Group>, reported: number, lines: number, all: boolean): Generator<string> {
  if (!reported) {
    yield `No ${all ? '' : 'upstream failure '}lines found in ${lines} line(s).\n`;
    return;
  }
  const list = [...groups.values()].sort((a, b) => a.order - b.order || b.count - a.count);
  yield `${reported} ${all ? 'line(s)' : 'upstream failure(s)'} in ${lines} line(s), ${list.length} place(s) in the config\n`;
  const shown = new Set<Confidence>();
  for (const g of list) {
    let out = `\n${g.count}x ${g.title}\n`;
    for (const [id, c] of [...g.causes.entries()].sort((a, b) => b[1].count - a[1].count)) {
      const conf = [...c.confidence].join('/');
      out += `  ${String(c.count).padStart(5)}  ${id} (${c.status}): ${c.title}  [${conf}]\n`;
      const sample = c.sample.replace(/\r?\n/g, ' \u23ce ');
      out += `         e.g. line ${c.lines[0]}: ${sample.length > 160 ? `${sample.slice(0, 157)}...` : sample}\n`;
      out += `         lines ${c.lines.join(', ')}${c.count > c.lines.length ? ', ...' : ''}\n`;
      for (const k of c.confidence) shown.add(k);
      if (c.via.length) out += `         reached through ${c.via.join(', then ')}\n`;
      if (c.why && !(c.confidence.size === 1 && c.confidence.has('exact'))) out += `         why ${[...c.confidence].filter((k) => k !== 'exact').join('/')}: ${c.why}\n`;
      for (const f of c.fixes) out += `         - ${f}\n`;
    }
    yield out;
  }
  // what the confidences shown mean, once each
  if (shown.size) yield `\n${(['exact', 'likely', 'ambiguous'] as const).filter((k) => shown.has(k)).map((k) => `[${CONFIDENCE_MEANING[k].replace(/^(\w+): /, '$1] ')}`).join('\n')}\n`;
}
