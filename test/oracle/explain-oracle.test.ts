// The explain oracle: a real nginx says which location made each failed upstream attempt.
//
// Each round generates a config with error_page chains and shared server names (gen-chains.ts),
// runs it in Debian's nginx in front of closed ports and a backend that answers 502 itself, and
// sends requests. Every location and server block has an error_log file of its own, so nginx
// writes each line into the file of the place that made the attempt: that is the truth. All
// lines also go to logs/all.log, which explain reads in order, as a user would. Lines with the
// same text (the same request failing the same way in two places of one chain) are compared as
// a group: the places explain names must be the places nginx wrote them from.
//
//   node scripts/run-tests.mjs oracle                         6 configs, a random seed (printed)
//   NGINX_DOCTOR_EXPLAIN_CONFIGS=60 node --test out/test/oracle/explain-oracle.test.js
//   NGINX_DOCTOR_ORACLE_SEED=1234 ...                         replay a seed
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CachedLineExplainer, Explainer, LogReader, Matcher, RequestHistory, buildConfigSet, defaultCatalog, isUpstreamFailure,
  type ConfigNode, type LineExplanation, type LogEntry,
} from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { makePrefix, nginxBinary, removePrefix, startNginx, stopNginx } from '../helpers/nginx-oracle';
import { Rng } from './gen';
import { generateChainConfig } from './gen-chains';
import { freePorts, pool, rawRequest } from './harness';
import { tcpBackend } from './backends';
import * as net from 'node:net';

const CONFIGS = Number(process.env.NGINX_DOCTOR_EXPLAIN_CONFIGS || 6);
const SEED = Number(process.env.NGINX_DOCTOR_ORACLE_SEED || Math.floor(Math.random() * 1e9));
const REQUESTS = Number(process.env.NGINX_DOCTOR_EXPLAIN_REQUESTS || 260);

/** The tag of the place a location or server block logs to: its own `error_log logs/<tag>.log`. */
function tagOf(node: ConfigNode | null | undefined): string | null {
  if (!node) return null;
  for (const c of node.children) {
    const m = c.d.name === 'error_log' ? /^logs\/([LS]\d+)\.log$/.exec(c.d.args[0]?.value ?? '') : null;
    if (m) return m[1]!;
  }
  return null;
}

export interface Tally {
  lines: number;
  right: number;
  wrong: number;
  byConfidence: Record<string, number>;
  byCause: Record<string, number>;
  chained: number;
  shared: number;
  failures: string[];
}

test(`explain names the location nginx wrote each upstream error line from ${nginxBinary() ? '' : '(nginx missing) '}(${CONFIGS} configs, seed ${SEED})`, { timeout: 1_200_000 }, async (t) => {
  assert.ok(nginxBinary(), 'nginx is required for the oracle tier (apt-get install nginx)');
  const tally: Tally = { lines: 0, right: 0, wrong: 0, byConfidence: {}, byCause: {}, chained: 0, shared: 0, failures: [] };
  const t0 = Date.now();
  for (let round = 0; round < CONFIGS; round++) {
    await runRound(SEED + round * 7919, round, tally);
  }
  const pct = tally.lines ? ((100 * tally.right) / tally.lines).toFixed(2) : '100.00';
  t.diagnostic(`seed ${SEED}: ${tally.right}/${tally.lines} upstream error lines linked to the location nginx wrote them from (${pct}%), ${tally.wrong} wrong; ${tally.chained} lines after an error_page/try_files redirect, ${tally.shared} from server blocks sharing a server_name; confidence ${JSON.stringify(tally.byConfidence)}; causes ${JSON.stringify(tally.byCause)}; ${CONFIGS} configs, ${Date.now() - t0} ms`);
  assert.ok(tally.lines >= CONFIGS * 40, `explain was exercised (${tally.lines} lines)`);
  assert.ok(tally.chained >= CONFIGS * 5, `chains were exercised (${tally.chained} lines)`);
  assert.deepEqual(tally.failures, [], `replay with NGINX_DOCTOR_ORACLE_SEED=${SEED}`);
  assert.equal(tally.wrong, 0);
});

export async function runRound(seed: number, round: number, tally: Tally): Promise<void> {
  const rng = new Rng(seed);
  const listen = await freePorts(5);
  const stub = await tcpBackend(listen[3]!, (s) => void s.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad'));
  const resets: net.Server[] = [];
  const prefix = makePrefix();
  let keep = false;
  try {
    const cfg = generateChainConfig(rng, { listen: listen.slice(0, 3), stub502: listen[3]! }, REQUESTS);
    const closed = await freePorts(cfg.closedPorts, new Set(listen));
    for (const [rel, text] of Object.entries(cfg.files)) {
      const p = join(prefix, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text.replace(/__P(\d+)__/g, (_, n: string) => String(closed[Number(n)])).replace(/__RESET__/g, String(listen[4])));
    }
    // a backend that resets every connection, on each loopback address the config names
    for (const ip of cfg.resetAddrs) resets.push(await resetBackend(ip, listen[4]!));
    const confPath = join(prefix, 'nginx.conf');
    await startNginx(confPath, prefix, { timeoutMs: 10_000 });
    try {
      await pool(cfg.requests, 8, async (r) => {
        const head = r.host === null ? `GET ${r.target} HTTP/1.0\r\n\r\n` : `GET ${r.target} HTTP/1.1\r\nHost: ${r.host}\r\nConnection: close\r\n\r\n`;
        await rawRequest('127.0.0.1', r.port, head, 5000);
      });
    } finally {
      await stopNginx();
    }
    // the truth: which file nginx wrote each line into
    const truth = new Map<string, string[]>();
    for (const f of readdirSync(join(prefix, 'logs'))) {
      const m = /^([LS]\d+)\.log$/.exec(f);
      if (!m) continue;
      for (const line of readFileSync(join(prefix, 'logs', f), 'utf8').split('\n')) {
        if (!line) continue;
        const list = truth.get(line) ?? [];
        list.push(m[1]!);
        truth.set(line, list);
      }
    }
    const set = buildConfigSet(confPath, { host: new DiskHost(), catalog: defaultCatalog() });
    const matcher = new Matcher(set);
    const text = readFileSync(join(prefix, 'logs', 'all.log'), 'utf8');
    // explain as the library does it (one history for the log) and as the CLI does (the caches)
    const explainer = new Explainer(matcher);
    const history = new RequestHistory();
    const reader = new LogReader();
    const entries: LogEntry[] = [];
    for (const line of text.split('\n')) entries.push(...reader.push(line));
    entries.push(...reader.end());
    const direct = new Map<number, { tag: string | null; confidence: string; why: string | null; step: number; reasons: string[]; cause: string }>();
    for (const e of entries) {
      if (!isUpstreamFailure(e)) continue;
      const x = explainer.explain(e, history);
      direct.set(e.line, { tag: tagOf(x.location?.node), confidence: x.confidence, why: x.why, step: x.step, reasons: x.reasons, cause: x.cause.id });
    }
    const cached = new Map<number, LineExplanation>();
    const lines = new CachedLineExplainer(new LogReader(), new Explainer(new Matcher(set)), false);
    for (const line of text.split('\n')) lines.push(line, Buffer.byteLength(line), (x) => cached.set(x.line, x));
    lines.end((x) => cached.set(x.line, x));
    // judge: per line text, the places explain names must be the places nginx wrote it from
    const groups = new Map<string, { lines: number[]; answers: (string | null)[] }>();
    for (const e of entries) {
      const d = direct.get(e.line);
      if (!d) continue;
      const c = cached.get(e.line);
      const ctag = c ? tagOf(c.location?.node) : 'missing';
      if (ctag !== d.tag && tally.failures.length < 12) {
        keep = true;
        tally.failures.push(`seed ${seed}: line ${e.line}: the CLI's path (caches) says ${ctag}, the library ${d.tag}\n  ${e.raw}`);
      }
      const g = groups.get(e.raw) ?? { lines: [], answers: [] };
      g.lines.push(e.line);
      g.answers.push(d.confidence === 'ambiguous' ? null : d.tag);
      groups.set(e.raw, g);
      tally.byConfidence[d.confidence] = (tally.byConfidence[d.confidence] ?? 0) + 1;
      tally.byCause[d.cause] = (tally.byCause[d.cause] ?? 0) + 1;
      if (d.step > 0) tally.chained++;
    }
    const names = new Map<string, number>();
    for (const s of matcher.table.servers) names.set(s.loggedName, (names.get(s.loggedName) ?? 0) + 1);
    for (const [raw, g] of groups) {
      const want = [...(truth.get(raw) ?? [])].sort();
      const got = g.answers.map((a) => a ?? 'ambiguous').sort();
      tally.lines += g.lines.length;
      const server = /, server: ([^,]*),/.exec(raw)?.[1] ?? '';
      if ((names.get(server) ?? 0) > 1) tally.shared += g.lines.length;
      const missing = [...want];
      let right = 0;
      for (const a of got) {
        const i = missing.indexOf(a);
        if (i >= 0) {
          missing.splice(i, 1);
          right++;
        }
      }
      tally.right += right;
      tally.wrong += g.lines.length - right;
      if (right < g.lines.length && tally.failures.length < 12) {
        keep = true;
        const d = direct.get(g.lines[0]!)!;
        tally.failures.push(`seed ${seed} (round ${round}): line(s) ${g.lines.join(', ')}: nginx wrote from ${want.join(', ') || 'no location file'}, explain says ${got.join(', ')} (${d.confidence}${d.why ? `: ${d.why}` : ''})\n  ${raw}\n  ${d.reasons.slice(-6).join('\n  ')}\n  config: ${confPath}`);
      }
    }
  } finally {
    await stub.close();
    await Promise.all(resets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (!keep || process.env.CI) removePrefix(prefix);
  }
}

function resetBackend(ip: string, port: number): Promise<net.Server> {
  const server = net.createServer((sock) => {
    sock.on('error', () => undefined);
    sock.once('data', () => sock.resetAndDestroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve(server));
  });
}
