// `nginx-doctor explain --config ROOT [--format text|json] [--all] [LOGFILE|-]`: reads an error
// or access log as a stream and explains every upstream failure (every parsed line with --all):
// the cause, the status the client got, and the server block and location that handled the
// request. JSON: one object per line (fields below). Text: a report grouped by location, with
// counts. Exit 0 normally, 2 on usage or I/O errors; unparsable lines are counted on stderr.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Explainer, LogReader, Matcher, logFormatsFromConfig, type Explanation, type LogEntry } from '../core/index';
import { parseArgs, one, UsageError } from './args';
import { loadConfigOrReport } from './config-load';
import { forEachLine } from './lines';
import { lineOf, locationJson } from './match';
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
    candidates: x.candidates.map((c) => ({
      serverBlock: { file: c.server.node.file.source.path, line: lineOf(c.server.node) },
      location: locationJson(c.location),
      why: c.why,
    })),
    summary: x.summary,
    fixes: x.fixes,
  };
}

interface Group {
  title: string;
  order: number;
  count: number;
  causes: Map<string, { count: number; status: string; title: string; lines: number[]; sample: string; fixes: string[]; confidence: Set<string> }>;
}

export async function runExplain(argv: string[], io: AsyncIo): Promise<number> {
  const args = parseArgs(argv, ['config', 'format', 'conf-dir'], ['all']);
  const format = one(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (args.positionals.length > 1) throw new UsageError('explain reads one log file (or "-" for stdin)');
  const root = one(args, 'config');
  if (!root) throw new UsageError('explain needs --config ROOT (the nginx.conf that wrote the log)');
  const file = args.positionals[0] ?? '-';
  const all = args.flags.has('all');
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
  const explainer = new Explainer(matcher);
  const reader = new LogReader({ formats: logFormatsFromConfig(set) });
  let pending = '';
  let reported = 0;
  const groups = new Map<string, Group>();
  const handle = (entries: LogEntry[]): void => {
    for (const entry of entries) {
      if (!all && !explainer.isUpstreamFailure(entry)) continue;
      const x = explainer.explain(entry);
      reported++;
      if (format === 'json') pending += `${JSON.stringify(explanationJson(x))}\n`;
      else addToGroups(groups, x);
    }
  };
  const flush = async (): Promise<void> => {
    if (pending.length < 1 << 16) return;
    const ok = io.out(pending);
    pending = '';
    if (!ok) await io.drain();
  };
  try {
    await forEachLine(input, (text, bytes) => handle(reader.push(text, bytes)), flush);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    io.err(`nginx-doctor: cannot read "${file}": ${err.code === 'EISDIR' ? 'it is a directory' : err.message}\n`);
    return 2;
  }
  handle(reader.end());
  if (format === 'json') {
    if (pending) io.out(pending);
  } else io.out(safeText(renderGroups(groups, reported, reader.stats.lines, all)));
  const s = reader.stats;
  if (s.garbage) {
    io.err(`nginx-doctor: skipped ${s.garbage} line(s) that are neither error-log nor access-log lines${s.garbageSamples.length ? ` (first at line ${s.garbageSamples[0]!.line}: ${JSON.stringify(s.garbageSamples[0]!.text.slice(0, 80))})` : ''}\n`);
  }
  return 0;
}

function addToGroups(groups: Map<string, Group>, x: Explanation): void {
  let key: string;
  let title: string;
  let order: number;
  if (x.location) {
    key = `L${x.location.node.file.source.path}:${lineOf(x.location.node)}`;
    title = `location ${x.location.modifier ? `${x.location.modifier} ` : ''}${x.location.name}  (${x.location.node.file.source.path}:${lineOf(x.location.node)}${x.server ? `, server ${x.server.loggedName || '""'}` : ''})`;
    order = 0;
  } else if (x.server) {
    key = `S${x.server.node.file.source.path}:${lineOf(x.server.node)}`;
    title = `server ${x.server.loggedName || '""'}  (${x.server.node.file.source.path}:${lineOf(x.server.node)}), no single location`;
    order = 1;
  } else {
    key = 'none';
    title = 'not linked to the config';
    order = 2;
  }
  let g = groups.get(key);
  if (!g) {
    g = { title, order, count: 0, causes: new Map() };
    groups.set(key, g);
  }
  g.count++;
  const status = x.status === null ? (x.bodyPhase ? 'truncated' : '-') : x.status === 9 ? '009' : String(x.status);
  let c = g.causes.get(x.cause.id);
  if (!c) {
    c = { count: 0, status, title: x.cause.title, lines: [], sample: x.message, fixes: x.fixes.slice(0, 4), confidence: new Set() };
    g.causes.set(x.cause.id, c);
  }
  c.count++;
  c.confidence.add(x.confidence);
  if (c.lines.length < 8) c.lines.push(x.entry.line);
}

function renderGroups(groups: Map<string, Group>, reported: number, lines: number, all: boolean): string {
  if (!reported) return `No ${all ? '' : 'upstream failure '}lines found in ${lines} line(s).\n`;
  const list = [...groups.values()].sort((a, b) => a.order - b.order || b.count - a.count);
  let out = `${reported} ${all ? 'line(s)' : 'upstream failure(s)'} in ${lines} line(s), ${list.length} place(s) in the config\n`;
  for (const g of list) {
    out += `\n${g.count}x ${g.title}\n`;
    for (const [id, c] of [...g.causes.entries()].sort((a, b) => b[1].count - a[1].count)) {
      const conf = [...c.confidence].join('/');
      out += `  ${String(c.count).padStart(5)}  ${id} (${c.status}): ${c.title}  [${conf}]\n`;
      const sample = c.sample.replace(/\r?\n/g, ' \u23ce ');
      out += `         e.g. line ${c.lines[0]}: ${sample.length > 160 ? `${sample.slice(0, 157)}...` : sample}\n`;
      out += `         lines ${c.lines.join(', ')}${c.count > c.lines.length ? ', ...' : ''}\n`;
      for (const f of c.fixes) out += `         - ${f}\n`;
    }
  }
  return out;
}
