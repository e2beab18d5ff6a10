// "Check server for 502 causes": gathers facts on the nginx host (phase 1), reads the config
// (the workspace's, or the one nginx -T prints), probes what the config names from the host
// (phase 2: TCP backends, unix sockets, error logs, the worker user) and turns it all into the
// checklist: the facts each check needs (check.ts), then every check of checks/index.ts. Nothing
// on the host is changed. Every failure becomes a row of the report.
import { posix } from 'node:path';
import { Model, configSetFromDump, parseNginxDump, type ConfigSet } from '../core/index';
import type { DoctorCheck, DoctorReport } from '../protocol/protocol';
import { saveDump } from '../host/save-dump';
import { loadConfig } from '../host/load-config';
import { readFacts, type HostFacts } from './facts';
import { gatherInput, probeInput, type ProbeItem } from './scripts';
import { runScript, type Target } from '../remote/run-script';
import { newNonce, type ScriptOutput } from '../remote/records';
import { backendsOf, type Backend } from './targets';
import type { LogRead, ProbeResults, UserInfo } from './context';
import type { Check, Fact, FactGroups, FactsOf } from './check';
import { CHECKS } from './checks/index';
import { tcpKey } from './checks/backend-reachable';
import { expectations } from './checks/backend-protocol';
import { ancestors } from './checks/unix-socket';
import { summariseLogs } from './logs';

export interface DoctorOptions {
  /** SSH destination; undefined: this machine. */
  ssh?: string;
  sudo?: boolean;
  sshConfig?: string;
  /** The workspace's root config (local path). */
  config?: string;
  confDir?: string;
  /** The nginx binary on the host. */
  nginx?: string;
  /** The main config nginx runs with on the host (for nginx -t / -T). */
  nginxConf?: string;
  /** Error-log lines read from the end (default 1000). */
  logLines?: number;
  /** Per phase (default 60 s). */
  timeoutMs?: number;
  /** Write read-only copies of the deployed config here (links then open them). */
  saveConfig?: string;
  /** Error logs to read instead of the config's error_log files (paths on the host). */
  errorLogs?: string[];
}

const MAX_LOGS = 4;

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const target: Target = { ...(o.ssh ? { ssh: o.ssh } : {}), sudo: o.sudo === true, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}) };
  const hostLabel = o.ssh ?? 'this machine';
  const timeout = o.timeoutMs ?? 60_000;
  const logLines = o.logLines ?? 1000;

  const n1 = newNonce();
  const session: FactGroups['session'] = { ssh: o.ssh ?? null, hostLabel, failures: [] };
  const r1 = await runScript(target, gatherInput(n1, o.nginx, o.nginxConf), n1, timeout);
  if (!r1.ok) {
    session.failures.push({ phase: 1, message: r1.failure.message, fix: r1.failure.fix ?? '' });
    return { host: o.ssh ?? 'localhost', checks: runChecks(session, new Set(['session'])) };
  }
  const facts = readFacts(r1.out);
  const dump = facts.dump ? parseNginxDump(facts.dump) : null;
  const serverRoot = dump?.root ?? o.nginxConf ?? facts.configure.get('conf-path') ?? null;

  let config: ConfigSet | null = null;
  let origin: FactGroups['config']['configOrigin'] = null;
  let saved = new Map<string, string>();
  if (o.config) {
    config = loadConfig(o.config, o.confDir);
    origin = 'workspace';
  } else if (dump) {
    config = configSetFromDump(dump);
    origin = 'deployed';
    if (o.saveConfig) saved = saveDump(dump, o.saveConfig);
  }
  const model = config ? new Model(config) : null;
  const backends = config ? backendsOf(config, model!) : [];
  // the logs nginx writes are named by the config it runs
  const logConfig = dump ? (origin === 'deployed' ? config! : configSetFromDump(dump)) : config;
  const logs = o.errorLogs?.length ? [...new Set(o.errorLogs)].slice(0, MAX_LOGS) : logConfig ? errorLogPaths(logConfig, facts).slice(0, MAX_LOGS) : [defaultErrorLog(facts)];
  const workerRef = workerUser(facts, logConfig);

  const items: ProbeItem[] = [];
  const tcpSeen = new Set<string>();
  for (const b of backends) {
    if (b.kind !== 'tcp' || b.flags.includes('down') || tcpSeen.has(tcpKey(b)) || !safeHost(b.host)) continue;
    tcpSeen.add(tcpKey(b));
    items.push({ kind: 'T', host: b.host, port: b.port });
  }
  const probed = new Set<string>();
  for (const e of expectations({ model, backends })) {
    if (!tcpSeen.has(e.key) || probed.has(e.key)) continue;
    probed.add(e.key);
    items.push({ kind: 'B', host: e.backend.host, port: e.backend.port });
  }
  const statPaths = new Set<string>();
  for (const b of backends) if (b.kind === 'unix' && b.host.startsWith('/')) for (const p of [...ancestors(b.host), b.host]) statPaths.add(p);
  for (const p of statPaths) items.push({ kind: 'S', path: p });
  for (const p of logs) items.push({ kind: 'L', path: p, lines: logLines });
  if (workerRef) items.push({ kind: 'U', user: workerRef });

  const probes: ProbeResults = { tcp: new Map(), bytes: new Map(), stat: new Map(), logs: logs.map((path) => ({ path, state: 'unknown', text: '' })), worker: null };
  const n2 = newNonce();
  const r2 = await runScript(target, probeInput(n2, items), n2, timeout);
  if (r2.ok) readProbes(r2.out, items, probes);
  else session.failures.push({ phase: 2, message: r2.failure.message, fix: r2.failure.fix ?? '' });

  const all: FactsOf<Exclude<Fact, 'backend'>> = {
    ...session, remote: !!o.ssh, facts,
    config, model, configOrigin: origin, serverRoot, localRoot: o.config ?? null, savedCopies: saved,
    dump, nginxConf: o.nginxConf ?? null,
    backends, probes,
    logs: summariseLogs(config, facts.date, facts.hostname, probes.logs), logLines,
  };
  return { host: o.ssh ?? facts.hostname ?? 'localhost', checks: runChecks(all, new Set(['session', 'host', 'config', 'deployed', 'backends', 'backend', 'probes', 'logs'])) };
}

/**
 * Every check whose facts were gathered, in the list's order. Checks that need "backend" and
 * stand next to each other run per backend, in the config's order (once with null when the
 * config names none), so a TCP backend's row and a unix socket's keep the config's order.
 */
export function runChecks(facts: Partial<FactsOf<Fact>>, have: ReadonlySet<Fact>, checks: readonly Check[] = CHECKS): DoctorCheck[] {
  const ready = (c: Check): boolean => c.needs.every((n) => have.has(n));
  const perBackend = (c: Check): boolean => c.needs.includes('backend');
  const out: DoctorCheck[] = [];
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    if (!perBackend(c)) {
      if (ready(c)) out.push(...c.run(facts as FactsOf<Fact>));
      continue;
    }
    let end = i;
    while (end < checks.length && perBackend(checks[end]!)) end++;
    const group = checks.slice(i, end).filter(ready);
    const backends: (FactGroups['backend']['backend'])[] = facts.backends?.length ? facts.backends : [null];
    for (const backend of backends) for (const g of group) out.push(...g.run({ ...facts, backend } as FactsOf<Fact>));
    i = end - 1;
  }
  return out;
}

function readProbes(out: ScriptOutput, items: ProbeItem[], probes: ProbeResults): void {
  for (const rec of out.records) {
    const m = /^([TSUB]) (\d+) ?(.*)$/.exec(rec) ?? /^(L) (\d+) (missing|denied|notfile)$/.exec(rec);
    if (!m) continue;
    const it = items[Number(m[2]) - 1];
    if (!it || it.kind !== m[1]) continue;
    const rest = m[3] ?? '';
    if (it.kind === 'B') {
      const sp = rest.indexOf(' ');
      probes.bytes.set(tcpKey(it), { rc: Number(sp < 0 ? rest : rest.slice(0, sp)), hex: sp < 0 ? '' : rest.slice(sp + 1).trim() });
    } else if (it.kind === 'T') {
      const sp = rest.indexOf(' ');
      probes.tcp.set(tcpKey(it), { rc: Number(sp < 0 ? rest : rest.slice(0, sp)), message: sp < 0 ? '' : rest.slice(sp + 1).trim() });
    } else if (it.kind === 'S') {
      const sp = rest.indexOf(' ');
      probes.stat.set(it.path, { rc: Number(sp < 0 ? rest : rest.slice(0, sp)), out: sp < 0 ? '' : rest.slice(sp + 1).trim() });
    } else if (it.kind === 'U') {
      const [gids, pw] = [rest.slice(0, rest.indexOf('|')), rest.slice(rest.indexOf('|') + 1)];
      const f = pw.split(':');
      if (f.length >= 4 && /^\d+$/.test(f[2]!)) {
        const user: UserInfo = { name: f[0]!, uid: Number(f[2]), gids: [...new Set([Number(f[3]), ...gids.split(/\s+/).filter((g) => /^\d+$/.test(g)).map(Number)])] };
        probes.worker = user;
      }
    } else if (it.kind === 'L') {
      const log = probes.logs.find((l) => l.path === it.path)!;
      log.state = m[3] as LogRead['state'];
    }
  }
  items.forEach((it, i) => {
    if (it.kind !== 'L') return;
    const s = out.sections.get(`L ${i + 1}`);
    const log = probes.logs.find((l) => l.path === it.path)!;
    if (s) {
      log.state = s.rc === 0 ? 'ok' : 'denied';
      log.text = s.text;
    }
  });
}

/** Host names and addresses only: nothing a probe command could read as an option. */
function safeHost(h: string): boolean {
  return /^[A-Za-z0-9_.:%-]+$/.test(h) && !h.startsWith('-');
}

function prefixOf(f: HostFacts): string {
  return (f.configure.get('prefix') ?? '/usr/share/nginx').replace(/\/+$/, '') || '/';
}

function defaultErrorLog(f: HostFacts): string {
  const p = f.configure.get('error-log-path') ?? 'logs/error.log';
  return p.startsWith('/') ? p : posix.join(prefixOf(f), p);
}

/** The error_log files of a config (file targets only), the compiled-in default when the main level sets none. */
export function errorLogPaths(set: ConfigSet, f: HostFacts): string[] {
  const out: string[] = [];
  let main = false;
  for (const n of set.all) {
    if (n.d.name !== 'error_log') continue;
    if (n.ctx === 'main') main = true;
    const a = n.d.args[0]?.value;
    if (!a || a === 'stderr' || a.startsWith('syslog:') || a.startsWith('memory:') || a === '/dev/null' || a.includes('$')) continue;
    const p = a.startsWith('/') ? a : posix.join(prefixOf(f), a);
    if (!out.includes(p)) out.push(p);
  }
  if (!main) {
    const d = defaultErrorLog(f);
    if (!out.includes(d)) out.unshift(d);
  }
  return out;
}

/** The worker user: from running workers (uid), else the config's `user`, else the compiled default. */
function workerUser(f: HostFacts, set: ConfigSet | null): string | null {
  const masters = new Set(f.processes.filter((p) => p.role === 'master').map((p) => p.pid));
  const w = f.processes.find((p) => p.role === 'worker' && masters.has(p.ppid));
  if (w) return String(w.uid);
  const u = set?.all.find((n) => n.d.name === 'user' && n.ctx === 'main')?.d.args[0]?.value;
  const name = u ?? f.configure.get('user') ?? 'nobody';
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name) ? name : null;
}

export type { Backend };
