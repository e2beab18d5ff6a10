// Runs a fixed script (the doctor's, ../doctor/scripts.ts) on the nginx host and splits its output into
// records and sections. "Local" is `sh -s` on this machine; "ssh" is the system ssh client with
// the same fixed options as tail (BatchMode, no forwarding) and the constant remote command
// `sh -s`; either can go through `sudo -n` when the user enabled it. Every run is bounded in
// time and output size; failures come back as a classified message, never as an exception.
import { sshArgs, classifySshError } from './ssh';
import { remoteShell } from './shell';
import { endProcess, spawnTracked } from './process';
import { parseSections, type ScriptOutput } from './records';

export interface Target {
  /** undefined: this machine. */
  ssh?: string;
  sudo: boolean;
  /** `ssh -F FILE` (CLI --ssh-config; tests). */
  sshConfig?: string;
  /** The ssh program (tests). */
  sshProgram?: string;
}

export interface RunFailure {
  message: string;
  fix?: string;
}

export type RunResult = { ok: true; out: ScriptOutput } | { ok: false; failure: RunFailure };

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs `input` through `sh -s` on the target; resolves (never rejects) within timeoutMs. */
export function runScript(target: Target, input: string, nonce: string, timeoutMs: number): Promise<RunResult> {
  const cmd = target.ssh
    ? { prog: target.sshProgram ?? 'ssh', args: [...sshArgs({ ...(target.sshConfig ? { configFile: target.sshConfig } : {}) }), '--', target.ssh, remoteShell(target.sudo)] }
    : target.sudo
      ? { prog: 'sudo', args: ['-n', '--', 'sh', '-s'] }
      : { prog: 'sh', args: ['-s'] };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let done = false;
    let timedOut = false;
    const child = spawnTracked(cmd.prog, cmd.args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const finish = (r: RunResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      void endProcess(child, 1_000);
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      if (size > MAX_OUTPUT) return;
      chunks.push(d);
      size += d.length;
      if (size > MAX_OUTPUT) void endProcess(child, 1_000);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => (stderr = (stderr + d).slice(-16_000)));
    child.stdin!.on('error', () => {
      // the other side ended early: its exit status and stderr tell why
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ ok: false, failure: { message: e.code === 'ENOENT' ? `cannot run ${cmd.prog}: it is not installed (or not on PATH)` : `cannot run ${cmd.prog}: ${e.message}` } });
    });
    child.on('close', (code) => {
      const out = parseSections(Buffer.concat(chunks), nonce);
      const hello = out.records.some((r) => r.startsWith('HELLO '));
      if (hello && (out.complete || !timedOut)) return finish({ ok: true, out });
      if (timedOut) {
        return finish({ ok: false, failure: { message: `no answer from ${target.ssh ?? 'the local shell'} within ${Math.round(timeoutMs / 1000)} s`, fix: target.ssh ? `Check that "ssh ${target.ssh} true" returns quickly.` : undefined } });
      }
      if (target.ssh) {
        const f = classifySshError(stderr, target.ssh, code, target.sudo);
        return finish({ ok: false, failure: { message: f.message, ...(f.fix ? { fix: f.fix } : {}) } });
      }
      if (target.sudo && /sudo:/.test(stderr)) {
        return finish({ ok: false, failure: { message: `sudo -n failed: ${stderr.trim().split('\n')[0]}`, fix: 'Allow passwordless sudo for nginx-doctor, or run without --sudo.' } });
      }
      finish({ ok: false, failure: { message: `the check script did not start (exit ${code ?? 'by signal'}): ${stderr.trim().split('\n')[0] ?? ''}` } });
    });
    child.stdin!.end(input);
  });
}
