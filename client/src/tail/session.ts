// One tail run: `nginx-doctor tail --format json` (the bundled dist/cli.js, run by the extension
// host's own Node) for a set of sources; its JSON events are parsed line by line. The child
// process is the only thing that reads files, runs ssh or commands; the extension only shows.
import { spawn, type ChildProcess } from 'node:child_process';
import type { LogSourceSetting, TailEvent } from '../../../server/src/protocol/protocol';

export interface SessionOptions {
  cli: string;
  sources: LogSourceSetting[];
  /** The workspace's root nginx.conf, for sources without their own `config`. */
  configRoot?: string;
  /** Where copies of remote configs (`config: "remote"`) are written. */
  remoteConfigDir: string;
  /** Bytes of history shown when a view opens (whole lines). */
  backlog: number;
  cwd?: string;
  onEvent(e: TailEvent): void;
  onExit(code: number | null, stderr: string): void;
}

export class TailSession {
  private child: ChildProcess | undefined;
  private stderr = '';
  private ended = false;

  constructor(private readonly opts: SessionOptions) {}

  start(): void {
    const o = this.opts;
    const args = [o.cli, 'tail', '--format', 'json', '--stop-on-stdin-eof', '--sources', JSON.stringify(o.sources), '--backlog', String(o.backlog), '--remote-config-dir', o.remoteConfigDir];
    if (o.configRoot) args.push('--config', o.configRoot);
    const child = spawn(process.execPath, args, {
      cwd: o.cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      // stdin: a pipe never written to; it closes when the extension host ends, and so does the tail
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    this.child = child;
    let carry = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      const text = carry + d;
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      if (carry.length > 4 * 1024 * 1024) carry = ''; // not JSON lines: drop rather than grow
      for (const l of lines) {
        if (!l) continue;
        try {
          o.onEvent(JSON.parse(l) as TailEvent);
        } catch {
          // a broken line: ignore
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-8000)));
    child.on('error', (e) => this.finish(null, e.message));
    child.on('close', (code) => this.finish(code, this.stderr));
  }

  private finish(code: number | null, stderr: string): void {
    if (this.ended) return;
    this.ended = true;
    this.opts.onExit(code, stderr);
  }

  get running(): boolean {
    return !!this.child && !this.ended;
  }

  /** SIGTERM (the CLI stops its sources and exits), SIGKILL after 3 s. */
  stop(): Promise<void> {
    const c = this.child;
    if (!c || this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 3_000);
      c.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  }
}
