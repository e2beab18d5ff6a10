// The deployed config of an SSH host: `nginx -T` (optionally `-c CONF`) run through the constant
// `sh -s` command line, its output read back whole (bounded in size and time). The text is parsed
// by core/workspace/nginx-dump.ts.
import { TailText, endProcess, spawnTracked } from './process';
import { remoteShell, shQuote } from './shell';
import { classifySshError, firstLine, sshArgs } from './ssh';
import { checkDestination } from './check-input';

/** The program that prints the deployed config (`nginx -T`), also fed to `sh -s`. */
export function nginxDumpInput(nginxConf?: string): string {
  const conf = nginxConf ? ` -c ${shQuote(nginxConf)}` : '';
  return `PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH\nexec nginx -T${conf} 2>&1\n`;
}

/** Runs `nginx -T` (optionally `-c CONF`) on dest over SSH; resolves with its output. */
export function dumpRemoteConfig(dest: string, sudo: boolean, opts: { ssh?: string; configFile?: string; nginxConf?: string; timeoutMs?: number } = {}): Promise<string> {
  checkDestination(dest);
  return new Promise((resolve, reject) => {
    const child = spawnTracked(opts.ssh ?? 'ssh', [...sshArgs(opts), '--', dest, remoteShell(sudo)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    const stderr = new TailText();
    child.stdout!.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= 32 * 1024 * 1024) out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => stderr.add(d));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(nginxDumpInput(opts.nginxConf));
    const timer = setTimeout(() => void endProcess(child), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(text);
      const f = code === 255 ? classifySshError(stderr.value, dest, code, sudo) : null;
      const why = `${text}\n${stderr.value}`.split('\n').find((l) => /\[emerg\]|not found|denied|failed/.test(l)) ?? firstLine(text);
      reject(new Error(f ? f.message : `nginx -T on ${dest} failed (exit ${code}): ${why.trim()}${sudo ? '' : ' (nginx -T usually needs root: set "sudo": true)'}`));
    });
  });
}
