// Runs `nginx-doctor doctor` as a user would (the bundled CLI in its own process), bounded in time.
// With NGINX_DOCTOR_COMPARE_CLI=/path/to/another/dist/cli.js (a build from before a change), every
// run is repeated with that CLI (at the same time) and must print the same bytes with the same exit code: the
// doctor tier then proves a refactoring kept the report (`NGINX_DOCTOR_COMPARE_CLI=... node
// scripts/run-tests.mjs doctor`).
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import type { DoctorCheck, DoctorReport } from '../../server/src/protocol/protocol';
import { CLI, REPO } from '../helpers/repo';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export async function runDoctor(args: string[], timeoutMs = 90_000): Promise<CliRun> {
  const other = process.env.NGINX_DOCTOR_COMPARE_CLI;
  if (!other) return runCli(CLI, args, timeoutMs);
  // both at once, so that both see the same machine (other programs' ports and nginx processes
  // come and go on a shared machine)
  const [run, before] = await Promise.all([runCli(CLI, args, timeoutMs), runCli(other, args, timeoutMs)]);
  assert.equal(run.stdout, before.stdout, `doctor ${args.join(' ')}: stdout differs from ${other}`);
  assert.equal(run.stderr, before.stderr, `doctor ${args.join(' ')}: stderr differs from ${other}`);
  assert.equal(run.code, before.code, `doctor ${args.join(' ')}: exit code differs from ${other}`);
  return run;
}

function runCli(cli: string, args: string[], timeoutMs: number): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'doctor', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`doctor did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

export async function runJson(args: string[]): Promise<{ run: CliRun; report: DoctorReport }> {
  const run = await runDoctor([...args, '--format', 'json']);
  let report: DoctorReport;
  try {
    report = JSON.parse(run.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { run, report };
}

/** The one row whose id matches and whose title contains `titlePart`. */
export function rowOf(r: DoctorReport, id: string, titlePart = ''): DoctorCheck {
  const rows = r.checks.filter((c) => c.id === id && c.title.includes(titlePart));
  assert.equal(rows.length, 1, `one "${id}" row with "${titlePart}" in its title; report:\n${JSON.stringify(r.checks.map((c) => `${c.status} ${c.id}: ${c.title} | ${c.found}`), null, 1)}`);
  return rows[0]!;
}

/** Every row has the contract's fields and types. */
export function assertShape(r: DoctorReport): void {
  assert.equal(typeof r.host, 'string');
  assert.ok(Array.isArray(r.checks) && r.checks.length > 0, 'checks');
  for (const c of r.checks) {
    // the contract's fields, plus the optional ones added since
    const optional = new Set(['logLines', 'instance', 'cause', 'failures', 'settings', 'previous']);
    assert.deepEqual(Object.keys(c).filter((k) => !optional.has(k)).sort(), ['advice', 'expected', 'found', 'id', 'location', 'status', 'title']);
    assert.ok(['pass', 'warn', 'fail', 'skip'].includes(c.status), c.status);
    for (const k of ['id', 'title', 'found', 'expected', 'advice'] as const) assert.equal(typeof c[k], 'string', `${c.id}.${k}`);
    if (c.location !== null) {
      assert.equal(typeof c.location.file, 'string');
      assert.ok(Number.isInteger(c.location.line) && c.location.line >= 1, `${c.id} line`);
    }
  }
}
