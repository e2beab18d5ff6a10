// `nginx-doctor doctor [--ssh DEST]... [--sources FILE] [--config ROOT] [--format text|json]`: runs the
// 502 troubleshooting checklist against this machine or SSH hosts (read-only). JSON:
// {"host","checks":[{"id","title","status","found","expected","advice","location"}]}; with several
// hosts also "hosts" (one such report each) and "fleet" (doctor-fleet.ts).
// Exit 1 when a check fails (on any host), 0 otherwise, 2 on a usage error or an unreadable --config.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareReports, isReport } from '../doctor/compare';
import type { DoctorCheck, DoctorReport } from '../protocol/protocol';
import { DoctorInputError, runDoctor } from '../doctor/run';
import { checkDestination, checkPath, SourceError } from '../remote/check-input';
import { parseCommandArgs, one, UsageError } from './args';
import { ConfigLoadError } from '../host/load-config';
import { safeText } from './sanitize';
import { readSourcesOption } from './tail';
import { renderFleet, runFleetDoctor, type FleetHost } from './doctor-fleet';
import { parseBackendMap, type BackendMapping } from '../doctor/backend-map';

/** --backends JSON (the nginxDoctor.backends setting's shape), checked. */
function backendMapArg(json: string | undefined): BackendMapping[] {
  if (json === undefined) return [];
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new UsageError('--backends must be a JSON object: {"ADDRESS or UPSTREAM": {"host": "user@host", "unit": "app.service"}}');
  }
  try {
    return parseBackendMap(v);
  } catch (e) {
    if (e instanceof SourceError) throw new UsageError(`--backends: ${e.message}`);
    throw e;
  }
}

export interface DoctorIo {
  out(text: string): void;
  err(text: string): void;
}

export async function runDoctorCommand(argv: string[], io: DoctorIo): Promise<number> {
  const args = parseCommandArgs(argv, 'doctor');
  if (args.positionals.length) throw new UsageError(`doctor takes no positional arguments (got "${args.positionals[0]}"); use --ssh DEST and --config ROOT`);
  const format = one(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const num = (name: string, dflt: number, min: number, max: number): number => {
    const v = one(args, name);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
  const hosts = fleetHosts(args.options.get('ssh') ?? [], args.options.get('sources') ?? [], args.flags.has('sudo'));
  const ssh = hosts.length === 1 ? hosts[0]!.dest : undefined;
  try {
    for (const h of hosts) checkDestination(h.dest);
    for (const p of ['nginx', 'nginx-conf'] as const) {
      const v = one(args, p);
      if (v !== undefined) {
        checkPath(v, `--${p} path`);
        if (!v.startsWith('/')) throw new UsageError(`--${p} must be an absolute path on the host`);
      }
    }
    for (const v of args.options.get('error-log') ?? []) {
      checkPath(v, '--error-log path');
      if (!v.startsWith('/')) throw new UsageError('--error-log must be an absolute path on the host');
    }
  } catch (e) {
    if (e instanceof SourceError) throw new UsageError(e.message);
    throw e;
  }
  const backends = backendMapArg(one(args, 'backends'));
  const config = one(args, 'config');
  const compareFile = one(args, 'compare');
  let previous: DoctorReport | null = null;
  if (compareFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(compareFile), 'utf8');
    } catch (e) {
      throw new UsageError(`--compare: cannot read "${compareFile}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!isReport(parsed)) throw new UsageError(`--compare: "${compareFile}" is not a report of "nginx-doctor doctor --format json"`);
    previous = parsed;
  }
  let report: DoctorReport;
  try {
    const options = {
      ...(one(args, 'ssh-config') ? { sshConfig: one(args, 'ssh-config')! } : {}),
      ...(config ? { config: resolve(config) } : {}),
      ...(one(args, 'conf-dir') ? { confDir: resolve(one(args, 'conf-dir')!) } : {}),
      ...(one(args, 'nginx') ? { nginx: one(args, 'nginx')! } : {}),
      ...(one(args, 'nginx-conf') ? { nginxConf: one(args, 'nginx-conf')! } : {}),
      ...(one(args, 'save-config') ? { saveConfig: resolve(one(args, 'save-config')!) } : {}),
      ...(args.options.get('error-log') ? { errorLogs: args.options.get('error-log')! } : {}),
      ...(one(args, 'pid') !== undefined ? { pid: num('pid', 0, 1, 4_194_304) } : {}),
      ...(previous ? { since: previous.date ?? null } : {}),
      request: args.flags.has('request'),
      ...(backends.length ? { backends } : {}),
      logLines: num('lines', 1000, 1, 100_000),
      timeoutMs: num('timeout', 60, 1, 3600) * 1000,
    };
    if (hosts.length > 1) {
      if (previous) throw new UsageError('--compare takes one host\'s report: run it once per host (--ssh DEST)');
      const fleet = await runFleetDoctor(hosts, options);
      io.out(format === 'json' ? `${JSON.stringify(fleet, null, 2)}\n` : safeText(renderFleet(fleet, renderReport)));
      return fleet.hosts.some((h) => h.checks.some((c) => c.status === 'fail')) || fleet.checks.some((c) => c.status === 'fail') ? 1 : 0;
    }
    report = await runDoctor({ ...options, ...(ssh ? { ssh } : {}), sudo: hosts[0]?.sudo ?? args.flags.has('sudo') });
  } catch (e) {
    if (e instanceof ConfigLoadError || e instanceof DoctorInputError) {
      io.err(`nginx-doctor: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (previous) {
    const c = compareReports(previous, report, compareFile!);
    report = { ...report, compare: c.compare, checks: c.checks };
  }
  io.out(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : safeText(renderReport(report)));
  return report.checks.some((c) => c.status === 'fail') ? 1 : 0;
}

/** The SSH hosts of --ssh (with --sudo) and of --sources lists (their own "sudo"), each once. */
function fleetHosts(ssh: string[], sources: string[], sudo: boolean): FleetHost[] {
  const out = new Map<string, FleetHost>();
  for (const d of ssh) if (!out.has(d)) out.set(d, { dest: d, sudo });
  for (const v of sources) {
    for (const s of readSourcesOption(v)) {
      if (!s || typeof s !== 'object' || typeof s.host !== 'string' || !s.host || out.has(s.host)) continue;
      out.set(s.host, { dest: s.host, sudo: s.sudo === true || sudo });
    }
  }
  return [...out.values()];
}

const LABEL: Record<DoctorCheck['status'], string> = { fail: 'FAIL', warn: 'WARN', pass: 'ok  ', skip: 'skip' };

export function renderReport(r: DoctorReport): string {
  const count = (s: DoctorCheck['status']): number => r.checks.filter((c) => c.status === s).length;
  let out = `nginx-doctor: 502 checklist for ${r.host}: ${count('fail')} failed, ${count('warn')} warning(s), ${count('pass')} passed, ${count('skip')} skipped\n`;
  if (r.compare) {
    const c = r.compare;
    out += `  compared with ${c.previous}${c.previousDate ? ` (run at ${c.previousDate}; only log lines since then count)` : ''}: ${c.fixed.length} now pass, ${c.stillFailing.length} still fail, ${c.newFailures.length} new\n`;
    for (const t of c.fixed) out += `    now passes:  ${t}\n`;
    for (const t of c.stillFailing) out += `    still fails: ${t}\n`;
    for (const t of c.newFailures) out += `    new:         ${t}\n`;
  }
  for (const i of r.instances ?? []) {
    out += `  nginx ${i.pid !== null ? `pid ${i.pid}` : '(not running)'}: ${i.conf}${i.options.length ? ` (${i.binary} ${i.options.map((w) => (/[\s;]/.test(w) ? `'${w}'` : w)).join(' ')})` : ` (${i.confFrom})`}; error logs: ${i.errorLogs.join(', ') || 'none'}\n`;
  }
  for (const c of r.checks) {
    out += `\n${LABEL[c.status]}  ${c.title}\n`;
    out += `      found:    ${c.found.replace(/\n/g, '\n                ')}\n`;
    if (c.status !== 'pass' && c.status !== 'skip') out += `      expected: ${c.expected}\n`;
    if (c.advice && c.status !== 'pass') out += `      advice:   ${c.advice}\n`;
    if (c.location) out += `      config:   ${c.location.file}:${c.location.line}\n`;
  }
  return out;
}
