// `nginx-doctor doctor` over several SSH hosts: the checklist runs on every host at once (each
// with its own deadline, so a slow or unreachable host delays nobody: it becomes a failed
// "connection" row in its own report), then a fleet summary: which hosts run a config that differs
// from the workspace (with the first differing line), and which backends fail from which hosts —
// down everywhere, or from some hosts only (a network or host problem, not the backend).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorCheck, DoctorFleetReport, DoctorFleetSummary, DoctorReport } from '../protocol/protocol';
import { DoctorInputError, runDoctor, type DoctorOptions } from '../doctor/run';
import { hostFolder } from '../host/deployed-files';
import { ConfigLoadError } from '../host/load-config';

export interface FleetHost {
  dest: string;
  sudo: boolean;
}

/** Every host's checklist (in parallel) and the fleet summary. */
export async function runFleetDoctor(hosts: FleetHost[], base: Omit<DoctorOptions, 'ssh' | 'sudo'>): Promise<DoctorFleetReport> {
  const reports = await Promise.all(hosts.map(async (h): Promise<DoctorReport> => {
    try {
      const r = await runDoctor({ ...base, ssh: h.dest, sudo: h.sudo, ...(base.saveConfig ? { saveConfig: join(base.saveConfig, hostFolder(h.dest)) } : {}) });
      // the report names the host as it was given, so the summary can say which is which
      return { ...r, host: h.dest };
    } catch (e) {
      if (e instanceof ConfigLoadError || e instanceof DoctorInputError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      return { host: h.dest, checks: [{ id: 'connection', title: `run the checks on ${h.dest}`, status: 'fail', found: message, expected: 'a report', advice: '', location: null }] };
    }
  }));
  return fleetReport(reports, base.config !== undefined);
}

const isFail = (c: DoctorCheck): boolean => c.status === 'fail' || c.status === 'warn';
const BACKEND_ROWS = new Set(['backend-reachable', 'unix-socket']);

/** The fleet summary of per-host reports (`compared`: a workspace config was given). */
export function fleetSummary(reports: DoctorReport[], compared: boolean): DoctorFleetSummary {
  const config: DoctorFleetSummary['config'] = reports.map((r) => {
    const down = r.checks.find((c) => c.id === 'connection' && c.status === 'fail' && r.checks.every((x) => x.id === 'connection'));
    if (down) return { host: r.host, state: 'unreachable', found: down.found, first: null };
    // one row per running nginx instance: a differing one makes the host differ
    const rows = r.checks.filter((c) => c.id === 'deployed-config');
    const row = rows.find((c) => c.status === 'warn' || c.status === 'fail') ?? rows.find((c) => c.status === 'pass') ?? rows[0];
    if (!compared || !row || row.status === 'skip') return { host: r.host, state: 'unknown', found: row?.found ?? 'not compared (no --config)', first: null };
    if (row.status === 'pass') return { host: r.host, state: 'same', found: row.found, first: null };
    const first = row.location ? { ...row.location, workspaceText: lineText(row.location.file, row.location.line) } : null;
    return { host: r.host, state: 'differs', found: row.found, first };
  });
  const byBackend = new Map<string, { failing: { host: string; found: string }[]; ok: string[]; location: DoctorCheck['location'] }>();
  for (const r of reports) {
    for (const c of r.checks) {
      if (!BACKEND_ROWS.has(c.id) || c.status === 'skip') continue;
      const b = byBackend.get(c.title) ?? { failing: [], ok: [], location: c.location };
      if (isFail(c)) b.failing.push({ host: r.host, found: c.found });
      else b.ok.push(r.host);
      byBackend.set(c.title, b);
    }
  }
  const backends: DoctorFleetSummary['backends'] = [...byBackend].filter(([, b]) => b.failing.length)
    .map(([backend, b]) => ({ backend, scope: b.ok.length ? 'some' as const : 'everywhere' as const, failing: b.failing, ok: b.ok, location: b.location }));
  // down everywhere first: the first question at 3 a.m.
  backends.sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'everywhere' ? -1 : 1));
  return { config, backends };
}

function lineText(file: string, line: number): string | null {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[line - 1] ?? null;
  } catch {
    return null;
  }
}

export function fleetReport(reports: DoctorReport[], compared: boolean): DoctorFleetReport {
  const fleet = fleetSummary(reports, compared);
  const checks: DoctorCheck[] = [];
  const drift = fleet.config.filter((c) => c.state === 'differs');
  const down = fleet.config.filter((c) => c.state === 'unreachable');
  if (compared) {
    checks.push({
      id: 'fleet-config', title: 'each host runs the workspace\'s config',
      status: drift.length ? 'warn' : 'pass',
      found: drift.length ? drift.map((d) => `${d.host}: ${d.found}`).join('; ') : `${fleet.config.filter((c) => c.state === 'same').length} host(s) identical`,
      expected: 'nginx -T on every host equals the workspace files', advice: drift.length ? 'Those hosts run another config than the one you edit: deploy it, or open their deployed copies.' : '',
      location: drift[0]?.first ? { file: drift[0].first.file, line: drift[0].first.line } : null,
    });
  }
  if (down.length) {
    checks.push({ id: 'fleet-config', title: 'the checks reach every host', status: 'fail', found: down.map((d) => `${d.host}: ${d.found}`).join('; '), expected: 'an SSH session on every host', advice: 'See the connection row of each host below.', location: null });
  }
  for (const b of fleet.backends) {
    checks.push({
      id: 'fleet-backend', title: b.backend, status: 'fail',
      found: b.scope === 'everywhere' ? `fails from every host (${b.failing.map((f) => f.host).join(', ')})` : `fails from ${b.failing.map((f) => f.host).join(', ')} only; works from ${b.ok.join(', ')}`,
      expected: 'reachable from every host',
      advice: b.scope === 'everywhere' ? 'The backend itself is down (or refuses everyone): start it, or fix the address in the config.' : 'The backend is up: look at the network path from the failing hosts (firewall, routes, DNS, the backend\'s bind address).',
      location: b.location,
    });
  }
  return { host: `${reports.length} hosts`, checks, hosts: reports, fleet };
}

/** The text report of a fleet: each host's checklist (renderOne), then the summary. */
export function renderFleet(r: DoctorFleetReport, renderOne: (r: DoctorReport) => string): string {
  let out = '';
  for (const h of r.hosts) out += `${'='.repeat(8)} ${h.host}\n${renderOne(h)}\n`;
  out += `${'='.repeat(8)} fleet: ${r.hosts.length} hosts\n`;
  out += 'config:\n';
  for (const c of r.fleet.config) {
    const what = c.state === 'same' ? 'same as the workspace' : c.state === 'unreachable' ? `UNREACHABLE: ${c.found}` : c.state === 'unknown' ? `not compared: ${c.found}` : `DIFFERS: ${c.found}`;
    out += `  ${c.host}  ${what}\n`;
    if (c.first) out += `      first difference: ${c.first.file}:${c.first.line}${c.first.workspaceText !== null ? `  (workspace: ${c.first.workspaceText.trim() || '(blank)'})` : '  (beyond the workspace file\'s end)'}\n`;
  }
  if (!r.fleet.backends.length) out += 'backends: none fails from any host\n';
  else out += 'backends failing:\n';
  for (const b of r.fleet.backends) {
    out += `  ${b.scope === 'everywhere' ? 'DOWN EVERYWHERE' : 'FROM SOME HOSTS'}  ${b.backend}\n`;
    for (const f of b.failing) out += `      ${f.host}: ${f.found}\n`;
    if (b.ok.length) out += `      works from: ${b.ok.join(', ')}\n`;
    if (b.location) out += `      config:   ${b.location.file}:${b.location.line}\n`;
  }
  return out;
}
