// The layouts tier: hand-written configs in the shapes people run (test/fixtures/layouts/<name>/,
// Debian's sites-available/sites-enabled with real symlinks, snippets, certbot's pair, PHP-FPM,
// docker-compose service names...) served by Debian's nginx on loopback in front of closed ports
// and small stub backends. Requests go in over HTTP or HTTPS; `nginx-doctor explain --format json`
// reads the error.log nginx wrote, and every upstream error line must be linked to the location
// the test names for its request and peer (the test's own knowledge of the layout, not the code's).
//
// Placeholders in the fixture files: __PORT_<name>__ (a free loopback port: listen ports, backends
// and closed ports alike), __PREFIX__ (the nginx prefix the copy runs in).
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/repo';
import { makePrefix, nginxBinary, removePrefix, startNginx, stopNginx } from '../helpers/nginx-oracle';
import { addressDns, fastcgiBackend, tcpBackend, type Backend } from '../oracle/backends';
import { freePorts, rawRequest, type RawResponse } from '../oracle/harness';

/** What listens on a named port: nothing (refused), or a stub that answers in one way. */
export type BackendKind = 'closed' | 'listen' | 'ok' | 'status502' | 'reset' | 'hang' | 'fastcgi-unknown' | { dns: Record<string, string> };

export interface LayoutRequest {
  /** The named port the request goes to (a listen port of the layout). */
  port: string;
  tls?: boolean;
  host: string | null;
  path: string;
  method?: string;
}

export interface ExplainRow {
  logLine: number;
  cause: string;
  request: { method: string; uri: string } | null;
  upstream: string | null;
  host: string | null;
  server: string | null;
  serverBlock: { file: string; line: number } | null;
  location: { file: string; line: number; modifier: string; pattern: string } | null;
  confidence: string;
  why: string | null;
  candidates: unknown[];
}

export interface LayoutResult {
  prefix: string;
  ports: Record<string, number>;
  rows: ExplainRow[];
  responses: { req: LayoutRequest; res: RawResponse }[];
  errorLog: string;
  /** The backend name of a row's upstream peer ("closed" ports have names too), or null. */
  peerName(row: ExplainRow): string | null;
  /** The row's location as "file-relative-to-the-prefix pattern" ("sites-enabled/shop.test /api/"). */
  where(row: ExplainRow): string | null;
  remove(): void;
}

export interface LayoutOptions {
  backends: Record<string, BackendKind>;
  requests: LayoutRequest[];
  /** Lines written into the prefix's /etc/hosts seen by nginx (needs a private mount namespace). */
  hosts?: Record<string, string>;
  /** Files to create in the prefix (relative path -> text), e.g. a PHP script. */
  files?: Record<string, string>;
}

/** True when nginx can be started with a private /etc/hosts (root with mount namespaces). */
export function privateHostsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /etc/hosts /etc/hosts && echo ok'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && r.stdout.includes('ok');
}

/** Copies a layout into a fresh prefix (placeholders filled, symlinks kept), runs it, explains its error.log. */
export async function runLayout(name: string, opts: LayoutOptions): Promise<LayoutResult> {
  const prefix = makePrefix();
  const backends: Backend[] = [];
  let done = false;
  try {
    const src = join(FIXTURES, 'layouts', name);
    const portNames = new Set<string>(Object.keys(opts.backends));
    scan(src, (text) => {
      for (const m of text.matchAll(/__PORT_(\w+?)__/g)) portNames.add(m[1]!);
    });
    const list = await freePorts(portNames.size);
    const ports: Record<string, number> = {};
    [...portNames].forEach((n, i) => (ports[n] = list[i]!));
    const fill = (text: string): string => text.replace(/__PORT_(\w+?)__/g, (_, n: string) => String(ports[n])).replace(/__PREFIX__/g, prefix);
    copyTree(src, prefix, fill);
    for (const [rel, text] of Object.entries(opts.files ?? {})) {
      mkdirSync(join(prefix, rel, '..'), { recursive: true });
      writeFileSync(join(prefix, rel), fill(text));
    }
    for (const [n, kind] of Object.entries(opts.backends)) {
      const b = await startBackend(kind, ports[n]!);
      if (b) backends.push(b);
    }
    let wrap: string[] | undefined;
    if (opts.hosts) {
      const file = join(prefix, 'hosts');
      writeFileSync(file, `127.0.0.1 localhost\n${Object.entries(opts.hosts).map(([h, ip]) => `${ip} ${h}`).join('\n')}\n`);
      wrap = ['unshare', '-m', 'sh', '-c', `mount --bind ${file} /etc/hosts && exec "$@"`, 'sh'];
    }
    const conf = join(prefix, 'nginx.conf');
    await startNginx(conf, prefix, { timeoutMs: 10_000, ...(wrap ? { wrap } : {}) });
    const responses: { req: LayoutRequest; res: RawResponse }[] = [];
    try {
      // one at a time: the order of the log is the order of the requests
      for (const req of opts.requests) responses.push({ req, res: await send(req, ports) });
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await stopNginx();
    }
    const log = join(prefix, 'logs', 'error.log');
    const r = spawnSync(process.execPath, [CLI, 'explain', '--config', conf, '--format', 'json', log], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`explain failed (${r.status}): ${r.stderr}`);
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExplainRow);
    const byPort = new Map(Object.entries(ports).map(([n, p]) => [p, n]));
    done = true;
    return {
      prefix, ports, rows, responses, errorLog: readFileSync(log, 'utf8'),
      peerName: (row) => {
        const m = /^[a-z]+:\/\/(?:[\d.]+:(\d+)|unix:([^:]+))/.exec(row.upstream ?? '');
        if (!m) return /^[a-z]+:\/\/([\w.-]+)/.exec(row.upstream ?? '')?.[1] ?? null; // a group's name ("no live upstreams")
        return m[1] ? byPort.get(Number(m[1])) ?? null : m[2]!.replace(`${prefix}/`, '');
      },
      where: (row) => (row.location ? `${row.location.file.replace(`${prefix}/`, '')} ${row.location.modifier ? `${row.location.modifier} ` : ''}${row.location.pattern}` : null),
      remove: () => removePrefix(prefix),
    };
  } finally {
    await Promise.all(backends.map((b) => b.close()));
    if (!done) removePrefix(prefix);
  }
}

function scan(dir: string, f: (text: string) => void): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) scan(p, f);
    else f(readFileSync(p, 'utf8'));
  }
}

function copyTree(src: string, dst: string, fill: (text: string) => string): void {
  mkdirSync(dst, { recursive: true });
  for (const e of readdirSync(src)) {
    const s = join(src, e);
    const d = join(dst, e);
    const st = lstatSync(s);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(s), d);
    else if (st.isDirectory()) copyTree(s, d, fill);
    else writeFileSync(d, fill(readFileSync(s, 'utf8')));
  }
}

async function startBackend(kind: BackendKind, port: number): Promise<Backend | null> {
  if (kind === 'closed' || kind === 'listen') return null;
  if (typeof kind === 'object') return addressDns(port, kind.dns);
  if (kind === 'fastcgi-unknown') return fastcgiBackend(port, () => ({ stderr: 'Primary script unknown', stdout: 'Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nFile not found.\n' }));
  return tcpBackend(port, (s) => {
    if (kind === 'ok') s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    else if (kind === 'status502') s.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad');
    else if (kind === 'reset') s.resetAndDestroy();
    // hang: never answers
  });
}

function send(req: LayoutRequest, ports: Record<string, number>): Promise<RawResponse> {
  const port = ports[req.port];
  if (port === undefined) throw new Error(`no port named ${req.port}`);
  const head = req.host === null ? `${req.method ?? 'GET'} ${req.path} HTTP/1.0\r\n\r\n` : `${req.method ?? 'GET'} ${req.path} HTTP/1.1\r\nHost: ${req.host}\r\nConnection: close\r\n\r\n`;
  return rawRequest('127.0.0.1', port, head, 8000, req.tls ? { servername: req.host?.replace(/:\d+$/, '') || undefined } : undefined);
}

/**
 * One test of the tier: runs the layout in nginx (the tier needs nginx: its absence fails the
 * test), hands the result to `check`, removes the prefix.
 */
export function layoutTest(title: string, name: string, opts: LayoutOptions | (() => LayoutOptions), check: (r: LayoutResult, t: TestContext) => void): void {
  test(title, { timeout: 60_000 }, async (t) => {
    assert.ok(nginxBinary(), 'nginx is required for the layouts tier');
    const r = await runLayout(name, typeof opts === 'function' ? opts() : opts);
    try {
      t.diagnostic(`${name}: ${r.rows.length} upstream error line(s) explained: ${r.rows.map((x) => `${r.where(x)} [${x.confidence}]`).join('; ')}`);
      check(r, t);
    } finally {
      r.remove();
    }
  });
}

/**
 * Checks every row against `expect(row, peer)` -> "file pattern" (and confidence): returns the
 * problems, one line each.
 */
export function judge(r: LayoutResult, expect: (row: ExplainRow, peer: string | null) => { where: string; confidence?: string } | null): string[] {
  const problems: string[] = [];
  for (const row of r.rows) {
    const peer = r.peerName(row);
    const want = expect(row, peer);
    const got = r.where(row);
    const what = `line ${row.logLine} (${row.cause}, ${row.request?.method} ${row.request?.uri}, host ${row.host}, peer ${peer ?? row.upstream})`;
    if (!want) {
      problems.push(`${what}: not expected at all; linked to ${got}`);
      continue;
    }
    if (got !== want.where) problems.push(`${what}: linked to ${got} (${row.confidence}: ${row.why}), expected ${want.where}`);
    else if (row.confidence !== (want.confidence ?? 'exact')) problems.push(`${what}: confidence ${row.confidence} (${row.why}), expected ${want.confidence ?? 'exact'}`);
    if (row.confidence !== 'exact' && !row.why) problems.push(`${what}: ${row.confidence} without why`);
  }
  return problems;
}
