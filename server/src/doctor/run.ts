// "Check server for 502 causes": gathers facts on the nginx host (phase 1), reads the config
// (the workspace's, or the one nginx -T prints), probes what the config names from the host
// (phase 2: TCP backends, unix sockets, error logs, the worker user) and turns it all into the
// checklist. Nothing on the host is changed. Every failure becomes a row of the report.
import { posix } from 'node:path';
import { Model, configSetFromDump, parseNginxDump, type ConfigSet, type DumpedConfig } from '../core/index';
import type { DoctorCheck, DoctorReport } from '../protocol/protocol';
import { saveDump } from '../host/save-dump';
import { loadConfig } from '../host/load-config';
import { readFacts, type HostFacts } from './facts';
import { gatherInput, probeInput, type ProbeItem } from './scripts';
import { runScript, type Target } from '../remote/run-script';
import { newNonce, type ScriptOutput } from '../remote/records';
import { backendsOf, type Backend } from './targets';
import { row, type DoctorContext, type LogRead, type ProbeResults, type UserInfo } from './context';
import { nginxInstalled, nginxRunning } from './checks/nginx-process';
import { configTest } from './checks/config-test';
import { deployedConfig } from './checks/deployed-config';
import { backendReachable, tcpKey } from './checks/backend-reachable';
import { ancestors, unixSocket } from './checks/unix-socket';
import { backendPorts, nginxPorts } from './checks/listening-ports';
import { errorLog, failingLocationSettings, makeExplainer, summarise } from './checks/error-log';
import { apparmor, selinux } from './checks/mac';

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
  const r1 = await runScript(target, gatherInput(n1, o.nginx, o.nginxConf), n1, timeout);
  if (!r1.ok) {
    return { host: o.ssh ?? 'localhost', checks: [row('connection', o.ssh ? `connect to ${o.ssh} over SSH` : 'run the checks on this machine', 'fail', r1.failure.message, o.ssh ? 'an SSH session that runs sh' : 'a POSIX shell (sh)', r1.failure.fix ?? '')] };
  }
  const facts = readFacts(r1.out);
  const dump = facts.dump ? parseNginxDump(facts.dump) : null;
  const serverRoot = dump?.root ?? o.nginxConf ?? facts.configure.get('conf-path') ?? null;

  let config: ConfigSet | null = null;
  let origin: DoctorContext['configOrigin'] = null;
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
  const statPaths = new Set<string>();
  for (const b of backends) if (b.kind === 'unix' && b.host.startsWith('/')) for (const p of [...ancestors(b.host), b.host]) statPaths.add(p);
  for (const p of statPaths) items.push({ kind: 'S', path: p });
  for (const p of logs) items.push({ kind: 'L', path: p, lines: logLines });
  if (workerRef) items.push({ kind: 'U', user: workerRef });

  const probes: ProbeResults = { tcp: new Map(), stat: new Map(), logs: logs.map((path) => ({ path, state: 'unknown', text: '' })), worker: null };
  const extra: DoctorCheck[] = [];
  const n2 = newNonce();
  const r2 = await runScript(target, probeInput(n2, items), n2, timeout);
  if (r2.ok) readProbes(r2.out, items, probes);
  else extra.push(row('connection', `probe backends from ${hostLabel}`, 'fail', r2.failure.message, 'a second session for the probes', r2.failure.fix ?? ''));

  const ctx: DoctorContext = {
    hostLabel, remote: !!o.ssh, facts, config, model, configOrigin: origin, serverRoot,
    localRoot: o.config ?? null, savedCopies: saved, backends, probes, logLines,
  };
  return { host: o.ssh ?? facts.hostname ?? 'localhost', checks: [...extra, ...checklist(ctx, dump, o.nginxConf)] };
}

function checklist(ctx: DoctorContext, dump: DumpedConfig | null, nginxConf: string | undefined): DoctorCheck[] {
  const out: DoctorCheck[] = [nginxInstalled(ctx), nginxRunning(ctx, nginxConf), configTest(ctx), deployedConfig(ctx, dump)];
  if (!ctx.config) {
    out.push(row('backend-reachable', 'backends accept connections', 'skip', 'no config to read backends from (give --config, or let nginx -T run on the host)', 'a config', ''));
  }
  for (const b of ctx.backends) out.push(b.kind === 'tcp' ? backendReachable(ctx, b) : unixSocket(ctx, b));
  out.push(backendPorts(ctx), nginxPorts(ctx));
  const explainer = makeExplainer(ctx);
  let denied = false;
  const settings: DoctorCheck[] = [];
  for (const read of ctx.probes.logs) {
    const s = summarise(ctx, read, explainer);
    out.push(errorLog(ctx, s));
    if (s.failures.some((x) => x.cause.id === 'upstream-permission-denied')) denied = true;
    for (const p of s.places.slice(0, 5)) if (p.node && p.node.body === 'location' && ctx.model) settings.push(failingLocationSettings(ctx, p));
  }
  out.push(...settings, selinux(ctx, denied), apparmor(ctx, denied));
  return out;
}

function readProbes(out: ScriptOutput, items: ProbeItem[], probes: ProbeResults): void {
  for (const rec of out.records) {
    const m = /^([TSU]) (\d+) ?(.*)$/.exec(rec) ?? /^(L) (\d+) (missing|denied|notfile)$/.exec(rec);
    if (!m) continue;
    const it = items[Number(m[2]) - 1];
    if (!it || it.kind !== m[1]) continue;
    const rest = m[3] ?? '';
    if (it.kind === 'T') {
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
