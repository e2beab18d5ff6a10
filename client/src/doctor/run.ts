// One doctor run: `nginx-doctor doctor --format json ...` (the bundled dist/cli.js, run by the
// extension host's own Node, exactly as the tail session runs it: process.execPath with
// ELECTRON_RUN_AS_NODE=1, no shell, a fixed argument array). The CLI does every probe and SSH
// session; the extension reads the one JSON document it prints. Nothing here imports vscode, so
// the argument building and the report parsing stay plain functions.
import { spawn } from 'node:child_process';
import type { DoctorCheck, DoctorReport, DoctorStatus } from '../../../server/src/protocol/protocol';

/** Where to run: this machine, or an SSH host from nginxDoctor.logSources. */
export interface DoctorTarget {
  /** Stable key remembered as the last choice: "local" or "ssh:<host>". */
  key: string;
  label: string;
  host?: string;
  sudo: boolean;
  /** From the log source: a config path (absolute by now) or "remote" (the deployed config). */
  config?: string;
  /** The log sources' error logs on that machine (the CLI's --error-log); none: the config's error_log. */
  errorLogs?: string[];
  /** Several SSH hosts at once (`doctor --sources`): one checklist each and a fleet summary. */
  fleet?: { host: string; sudo: boolean }[];
}

export interface DoctorArgsInput {
  cli: string;
  target: DoctorTarget;
  /** The workspace's root nginx.conf (or the source's own config); absent: read the deployed one. */
  config?: string;
  /** Where the deployed config is copied when there is no workspace config. */
  saveConfigDir: string;
  /** An absolute nginx binary for this machine (nginxDoctor.nginxPath when set). */
  nginx?: string;
  /** nginxDoctor.backends: where backends run (the CLI checks it; a failed backend's machine is looked at). */
  backends?: unknown;
  /** "Run again": the previous report (a file), so the CLI says which rows pass now. */
  compare?: string;
  /** Opt-in: one GET per failing location through nginx. */
  request?: boolean;
  /** Only the nginx master with this pid. */
  pid?: number;
}

/** The argument array after process.execPath. */
export function doctorArgs(i: DoctorArgsInput): string[] {
  const args = [i.cli, 'doctor', '--format', 'json'];
  if (i.config) args.push('--config', i.config);
  else args.push('--save-config', i.saveConfigDir);
  if (i.target.fleet?.length) {
    // each host with its own sudo; the error logs are each host's config's (--error-log is one list for all)
    args.push('--sources', JSON.stringify(i.target.fleet.map((h) => ({ name: h.host, host: h.host, sudo: h.sudo }))));
  } else if (i.target.host) {
    args.push('--ssh', i.target.host);
    if (i.target.sudo) args.push('--sudo');
  }
  if (i.nginx) args.push('--nginx', i.nginx);
  for (const log of i.target.fleet?.length ? [] : i.target.errorLogs ?? []) if (log.startsWith('/')) args.push('--error-log', log);
  const b = i.backends;
  if (b && typeof b === 'object' && !Array.isArray(b) && Object.keys(b).length) args.push('--backends', JSON.stringify(b));
  if (i.compare) args.push('--compare', i.compare);
  if (i.request) args.push('--request');
  if (i.pid !== undefined) args.push('--pid', String(i.pid));
  return args;
}

/** The same destinations the nginxDoctor.logSources schema accepts (never starts with "-"). */
export const SSH_DESTINATION = /^(ssh:\/\/)?([A-Za-z0-9_][A-Za-z0-9_.+-]*@)?([A-Za-z0-9_][A-Za-z0-9_.+-]*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;

/** A folder name for a host's saved config: no separators, no dot-only names. */
export function hostDirName(host: string | undefined): string {
  const s = (host ?? 'localhost').replace(/^ssh:\/\//, '').replace(/[^A-Za-z0-9_.@+-]/g, '_').replace(/^\.+/, '_');
  return s.slice(0, 120) || 'host';
}

export type DoctorOutcome =
  | { kind: 'report'; report: DoctorReport; code: number | null }
  | { kind: 'error'; message: string }
  | { kind: 'cancelled' };

const STATUSES: readonly DoctorStatus[] = ['pass', 'warn', 'fail', 'skip'];
const MAX_OUT = 16 * 1024 * 1024;
const MAX_TEXT = 20_000;

function str(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, MAX_TEXT) : '';
}

/** The CLI's JSON as a report, checked field by field (the text in it is untrusted); null if it is not one. */
export function parseReport(text: string): DoctorReport | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as { host?: unknown; checks?: unknown };
  if (typeof o.host !== 'string' || !Array.isArray(o.checks)) return null;
  const checks: DoctorCheck[] = [];
  // a fleet report: the summary rows, then each host's rows with the host before their title
  const hosts = (v as { hosts?: unknown }).hosts;
  const rows: { c: unknown; host: string | null }[] = (o.checks as unknown[]).map((c) => ({ c, host: null }));
  if (Array.isArray(hosts)) {
    for (const h of hosts as unknown[]) {
      const hr = h as { host?: unknown; checks?: unknown } | null;
      if (!hr || typeof hr.host !== 'string' || !Array.isArray(hr.checks)) continue;
      for (const c of hr.checks as unknown[]) rows.push({ c, host: hr.host.slice(0, 200) });
    }
  }
  for (const { c, host } of rows.slice(0, 2000)) {
    if (!c || typeof c !== 'object') continue;
    const x = c as Record<string, unknown>;
    const status = STATUSES.includes(x.status as DoctorStatus) ? (x.status as DoctorStatus) : 'skip';
    const loc = x.location as { file?: unknown; line?: unknown } | null | undefined;
    const location = loc && typeof loc === 'object' && typeof loc.file === 'string' && loc.file && typeof loc.line === 'number' && Number.isInteger(loc.line) && loc.line >= 1
      ? { file: loc.file, line: loc.line }
      : null;
    const check: DoctorCheck = { id: str(x.id), title: host === null ? str(x.title) : `[${host}] ${str(x.title)}`, status, found: str(x.found), expected: str(x.expected), advice: str(x.advice), location };
    if (STATUSES.includes(x.previous as DoctorStatus) || x.previous === null) check.previous = x.previous as DoctorStatus | null;
    if (Array.isArray(x.logLines)) {
      const lines = (x.logLines as unknown[]).filter((l): l is string => typeof l === 'string').slice(0, 200).map((l) => l.slice(0, MAX_TEXT));
      if (lines.length) check.logLines = lines;
    }
    checks.push(check);
  }
  const report: DoctorReport = { host: o.host.slice(0, 500), checks };
  const r = v as { date?: unknown; compare?: unknown; instances?: unknown };
  if (typeof r.date === 'string' && /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/.test(r.date)) report.date = r.date;
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((t): t is string => typeof t === 'string').slice(0, 500).map((t) => t.slice(0, MAX_TEXT)) : []);
  const c = r.compare as Record<string, unknown> | undefined;
  if (c && typeof c === 'object' && typeof c.previous === 'string') {
    report.compare = { previous: str(c.previous), previousDate: typeof c.previousDate === 'string' ? str(c.previousDate) : null, fixed: list(c.fixed), stillFailing: list(c.stillFailing), newFailures: list(c.newFailures) };
  }
  if (Array.isArray(r.instances)) {
    report.instances = (r.instances as unknown[]).slice(0, 50).flatMap((x) => {
      const i = x as Record<string, unknown>;
      if (!i || typeof i !== 'object' || typeof i.conf !== 'string') return [];
      return [{ pid: typeof i.pid === 'number' ? i.pid : null, binary: str(i.binary), conf: str(i.conf), prefix: str(i.prefix), confFrom: str(i.confFrom), options: list(i.options), errorLogs: list(i.errorLogs) }];
    });
  }
  return report;
}

/** The first line of what the CLI said on stderr, without its "nginx-doctor: " prefix. */
export function stderrMessage(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l && !/^\s*at /.test(l)) ?? '';
  return line.replace(/^nginx-doctor:\s*/, '');
}

export interface RunOptions {
  args: string[];
  cwd?: string;
  /** Killed (SIGTERM, then SIGKILL after 3 s) when this many ms have passed. */
  limitMs: number;
  /** Registers the cancel handler (the progress notification's Cancel). */
  onCancel(kill: () => void): void;
}

export function runDoctorCli(o: RunOptions): Promise<DoctorOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, o.args, {
      ...(o.cwd ? { cwd: o.cwd } : {}),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    let out = '';
    let err = '';
    let cancelled = false;
    let timedOut = false;
    let done = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (done || killTimer) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    };
    const limit = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.limitMs);
    o.onCancel(() => {
      cancelled = true;
      kill();
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (out.length < MAX_OUT) out += d;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (err = (err + d).slice(-8000)));
    const finish = (r: DoctorOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(limit);
      if (killTimer) clearTimeout(killTimer);
      resolve(r);
    };
    child.on('error', (e) => finish({ kind: 'error', message: `could not start the nginx-doctor CLI: ${e.message}` }));
    child.on('close', (code) => {
      if (cancelled) return finish({ kind: 'cancelled' });
      if (timedOut) return finish({ kind: 'error', message: `the checks did not finish within ${Math.round(o.limitMs / 1000)} s and were stopped` });
      const report = code === 2 ? null : parseReport(out);
      if (report) return finish({ kind: 'report', report, code });
      const said = stderrMessage(err);
      finish({ kind: 'error', message: said || `the checks ended (exit code ${code ?? 'none'}) without a report` });
    });
  });
}
