// "Check server for 502 causes": gathers facts on the nginx host (phase 1), reads the config
// (the workspace's, or the one nginx -T prints), probes what the config names from the host
// (phase 2: TCP backends, unix sockets, error logs, the worker user) and turns it all into the
// checklist: the facts each check needs (check.ts), then every check of checks/index.ts. Nothing
// on the host is changed. Every failure becomes a row of the report.
import { posix } from 'node:path';
import { Model, configSetFromDump, parseNginxDump, type ConfigSet, type DumpedConfig } from '../core/index';
import type { DoctorCheck, DoctorReport } from '../protocol/protocol';
import { saveDump } from '../host/save-dump';
import { loadConfig } from '../host/load-config';
import { readFacts, readInstanceRun, type HostFacts } from './facts';
import { gatherInput, instancesInput, probeInput, requestInput, type ProbeItem } from './scripts';
import { readRequestRecord, requestTargets } from './requests';
import { globalErrorLogs, instancesOf, type Instance } from './instances';
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
import { visitBackendHosts, type BackendHop } from './backend-hosts';
import type { BackendMapping } from './backend-map';

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
  /** Only the nginx master with this pid (when several run). */
  pid?: number;
  /** The host's clock at a previous run (--compare): older log lines do not count. */
  since?: string | null;
  /** Send one GET per failing location through nginx (phase 3). */
  request?: boolean;
  /** Where failed backends run (nginxDoctor.backends, --backends): phase 3 looks at their machines. */
  backends?: BackendMapping[];
}

const MAX_LOGS = 8;

/** Bad input found only on the host (--pid of no master): the CLI exits 2 with the message. */
export class DoctorInputError extends Error {}

/** What one instance's checks read: its config, backends and logs. */
interface Prepared {
  inst: Instance;
  facts: HostFacts;
  dump: DumpedConfig | null;
  config: ConfigSet | null;
  model: Model | null;
  origin: FactGroups['config']['configOrigin'];
  serverRoot: string;
  saved: Map<string, string>;
  backends: Backend[];
  logs: string[];
  workerRef: string | null;
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const target: Target = { ...(o.ssh ? { ssh: o.ssh } : {}), sudo: o.sudo === true, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}) };
  const hostLabel = o.ssh ?? 'this machine';
  const timeout = o.timeoutMs ?? 60_000;
  const logLines = o.logLines ?? 1000;

  const n1 = newNonce();
  const session: FactGroups['session'] = { ssh: o.ssh ?? null, hostLabel, failures: [] };
  const r1 = await runScript(target, gatherInput(n1, o.nginx), n1, timeout);
  if (!r1.ok) {
    session.failures.push({ phase: 1, message: r1.failure.message, fix: r1.failure.fix ?? '' });
    return { host: o.ssh ?? 'localhost', checks: runChecks(session, new Set(['session'])) };
  }
  const hostFacts = readFacts(r1.out);
  const instances = instancesOf(hostFacts, { ...(o.nginxConf ? { nginxConf: o.nginxConf } : {}), ...(o.nginx ? { nginx: o.nginx } : {}), ...(o.pid !== undefined ? { pid: o.pid } : {}) });
  if (o.pid !== undefined && !instances.some((i) => i.pid === o.pid)) {
    const masters = hostFacts.processes.filter((p) => p.role === 'master').map((p) => p.pid);
    throw new DoctorInputError(`no nginx master with pid ${o.pid} on ${hostLabel} (masters: ${masters.join(', ') || 'none'})`);
  }

  // phase 1b: nginx -t / -T of each instance, with its master's options
  const runs: Pick<HostFacts, 'test' | 'dump'>[] = instances.map(() => ({ test: null, dump: null }));
  if (hostFacts.nginxV || instances.some((i) => i.binary !== hostFacts.nginxPath)) {
    const nb = newNonce();
    const rb = await runScript(target, instancesInput(nb, instances), nb, timeout);
    if (rb.ok) instances.forEach((_, k) => (runs[k] = readInstanceRun(rb.out, ` ${k + 1}`)));
    else session.failures.push({ phase: 1, message: rb.failure.message, fix: rb.failure.fix ?? '' });
  }
  const prepared = instances.map((inst, k) => prepare(o, inst, { ...hostFacts, ...runs[k]! }));

  const items: ProbeItem[] = [];
  const tcpSeen = new Set<string>();
  for (const p of prepared) for (const b of p.backends) {
    if (b.kind !== 'tcp' || b.flags.includes('down') || tcpSeen.has(tcpKey(b)) || !safeHost(b.host)) continue;
    tcpSeen.add(tcpKey(b));
    items.push({ kind: 'T', host: b.host, port: b.port });
  }
  const probed = new Set<string>();
  for (const p of prepared) for (const e of expectations({ model: p.model, backends: p.backends })) {
    if (!tcpSeen.has(e.key) || probed.has(e.key)) continue;
    probed.add(e.key);
    items.push({ kind: 'B', host: e.backend.host, port: e.backend.port });
  }
  const statPaths = new Set<string>();
  for (const p of prepared) for (const b of p.backends) if (b.kind === 'unix' && b.host.startsWith('/')) for (const s of [...ancestors(b.host), b.host]) statPaths.add(s);
  for (const s of statPaths) items.push({ kind: 'S', path: s });
  const logPaths = [...new Set(prepared.flatMap((p) => p.logs))];
  for (const l of logPaths) items.push({ kind: 'L', path: l, lines: logLines });
  for (const u of new Set(prepared.map((p) => p.workerRef).filter((u): u is string => !!u))) items.push({ kind: 'U', user: u });

  const probes: ProbeResults = { tcp: new Map(), bytes: new Map(), stat: new Map(), logs: logPaths.map((path) => ({ path, state: 'unknown', text: '' })), worker: null, workers: new Map() };
  const n2 = newNonce();
  const r2 = await runScript(target, probeInput(n2, items), n2, timeout);
  if (r2.ok) readProbes(r2.out, items, probes);
  else session.failures.push({ phase: 2, message: r2.failure.message, fix: r2.failure.fix ?? '' });

  // phase 3 (with nginxDoctor.backends): the machines of the failed backends the user mapped
  const hops = o.backends?.length
    ? await visitBackendHosts(prepared.flatMap((p) => p.backends), o.backends, probes, hostFacts, { nginxTarget: target, nginxLabel: hostLabel, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}), timeoutMs: timeout })
    : new Map<string, BackendHop>();

  const have = new Set<Fact>(['session', 'host', 'config', 'deployed', 'backends', 'backend', 'probes', 'logs', 'backendHosts']);
  const factsOf = prepared.map((p) => {
    const mine: ProbeResults = { ...probes, logs: probes.logs.filter((l) => p.logs.includes(l.path)), worker: (p.workerRef && probes.workers.get(p.workerRef)) || null };
    const all: FactsOf<Exclude<Fact, 'backend'>> = {
      ...session, remote: !!o.ssh, facts: p.facts,
      config: p.config, model: p.model, configOrigin: p.origin, serverRoot: p.serverRoot, localRoot: o.config ?? null, savedCopies: p.saved,
      dump: p.dump, nginxConf: o.nginxConf ?? null, instance: p.inst, instances,
      backends: p.backends, probes: mine,
      logs: summariseLogs(p.config, hostFacts.date, hostFacts.hostname, mine.logs, o.since ?? null), logLines,
      requests: [], hops,
    };
    return all;
  });
  let date = hostFacts.date;
  if (o.request) {
    // phase 3: one GET per failing location, after the logs were read (its own lines are not in this report)
    have.add('requests');
    // with --compare, the locations that failed before the previous run too: their request shows whether the fix works
    for (const [k, f] of factsOf.entries()) {
      const logs = o.since ? summariseLogs(prepared[k]!.config, hostFacts.date, hostFacts.hostname, f.probes.logs, null) : f.logs;
      f.requests = requestTargets(logs).map((target) => ({ target, result: null }));
    }
    const list = factsOf.flatMap((f) => f.requests);
    if (list.length) {
      const n3 = newNonce();
      const r3 = await runScript(target, requestInput(n3, list.map((q) => q.target)), n3, timeout);
      if (r3.ok) {
        for (const rec of r3.out.records) {
          const m = /^H (\d+) (.*)$/.exec(rec);
          const q = m ? list[Number(m[1]) - 1] : undefined;
          if (q) q.result = readRequestRecord(m![2]!);
        }
        date = r3.out.sections.get('date')?.text.trim() || date;
      } else session.failures.push({ phase: 2, message: r3.failure.message, fix: r3.failure.fix ?? '' });
    }
  }
  const perInstance = factsOf.map((f) => runChecks(f, have));
  return {
    host: o.ssh ?? hostFacts.hostname ?? 'localhost',
    date,
    instances: prepared.map((p) => ({
      pid: p.inst.pid, binary: p.inst.binary, conf: p.inst.conf, prefix: p.inst.prefix, confFrom: p.inst.confFrom,
      options: optionWords(p.inst), errorLogs: p.logs,
    })),
    checks: mergeInstances(instances, perInstance),
  };
}

function optionWords(i: Instance): string[] {
  const out: string[] = [];
  if (i.prefixOpt) out.push('-p', i.prefixOpt);
  if (i.confOpt) out.push('-c', i.confOpt);
  if (i.globals) out.push('-g', i.globals);
  if (i.errorLogOpt) out.push('-e', i.errorLogOpt);
  return out;
}

/** One instance's config (the workspace's, or what its nginx -T printed), backends and error logs. */
function prepare(o: DoctorOptions, inst: Instance, facts: HostFacts): Prepared {
  const dump = facts.dump ? parseNginxDump(facts.dump) : null;
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
  const logs = o.errorLogs?.length ? [...new Set(o.errorLogs)].slice(0, MAX_LOGS) : errorLogPaths(logConfig, inst).slice(0, MAX_LOGS);
  return { inst, facts, dump, config, model, origin, serverRoot: dump?.root ?? inst.conf, saved, backends, logs, workerRef: workerUser(facts, logConfig, inst) };
}

/**
 * One report over every instance: a row every instance gives alike once, the others with the
 * instance in their title (and its pid in "instance"); then failures, warnings, passes, skips.
 */
export function mergeInstances(instances: readonly Instance[], rows: DoctorCheck[][]): DoctorCheck[] {
  const key = (c: DoctorCheck): string => JSON.stringify([c.id, c.title, c.status, c.found, c.location]);
  let out: DoctorCheck[];
  if (rows.length <= 1) out = rows[0] ?? [];
  else {
    const common = new Set(rows[0]!.map(key).filter((k) => rows.every((r) => r.some((c) => key(c) === k))));
    const emitted = new Set<string>();
    out = [];
    rows.forEach((list, k) => {
      const inst = instances[k]!;
      for (const c of list) {
        const id = key(c);
        if (common.has(id)) {
          if (!emitted.has(id)) out.push(c);
          emitted.add(id);
          continue;
        }
        out.push({ ...c, title: `${c.title} [nginx ${inst.pid !== null ? `pid ${inst.pid}` : inst.conf}]`, instance: inst.pid });
      }
    });
  }
  return sortByStatus(out);
}

const ORDER: Record<DoctorCheck['status'], number> = { fail: 0, warn: 1, pass: 2, skip: 3 };

/** Failures first, then warnings, passes and skips; the list's order within each (stable). */
export function sortByStatus(rows: DoctorCheck[]): DoctorCheck[] {
  return rows.map((c, i) => ({ c, i })).sort((a, b) => ORDER[a.c.status] - ORDER[b.c.status] || a.i - b.i).map((x) => x.c);
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
        probes.workers.set(it.user, user);
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

/** The error_log files of the running config (file targets, every level and context; -g too), the instance's default when the main level sets none. */
export function errorLogPaths(set: ConfigSet | null, inst: Instance): string[] {
  const out: string[] = [];
  let main = false;
  const add = (a: string | undefined): void => {
    if (!a || a === 'stderr' || a.startsWith('syslog:') || a.startsWith('memory:') || a === '/dev/null' || a.includes('$')) return;
    const p = a.startsWith('/') ? a : posix.join(inst.prefix, a);
    if (!out.includes(p)) out.push(p);
  };
  for (const a of globalErrorLogs(inst.globals)) {
    main = true;
    add(a);
  }
  for (const n of set?.all ?? []) {
    if (n.d.name !== 'error_log') continue;
    if (n.ctx === 'main') main = true;
    add(n.d.args[0]?.value);
  }
  if (!main && inst.defaultErrorLog !== 'stderr' && !out.includes(inst.defaultErrorLog)) out.unshift(inst.defaultErrorLog);
  return out;
}

/** The worker user: from the instance's running workers (uid), else the config's `user`, else the compiled default. */
function workerUser(f: HostFacts, set: ConfigSet | null, inst: Instance): string | null {
  const masters = new Set(f.processes.filter((p) => p.role === 'master' && (inst.pid === null || p.pid === inst.pid)).map((p) => p.pid));
  const w = f.processes.find((p) => p.role === 'worker' && masters.has(p.ppid));
  if (w) return String(w.uid);
  const u = set?.all.find((n) => n.d.name === 'user' && n.ctx === 'main')?.d.args[0]?.value;
  const name = u ?? f.configure.get('user') ?? 'nobody';
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name) ? name : null;
}

export type { Backend };
