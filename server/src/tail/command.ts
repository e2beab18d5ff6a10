// A command that prints the log, e.g. `docker logs -f --tail 0 web` or `kubectl logs -f deploy/web`,
// started from an argv array (never through a shell). Both its stdout and stderr are log input
// (docker logs writes a container's stderr to its own stderr). When it ends it is started again
// with backoff; lines it printed before are not tracked, so the command should start at the end
// (`--tail 0`, `tail -F -n 0`) to avoid showing them twice.
import type { ChildProcess } from 'node:child_process';
import { LineAssembler, type Line } from './frames';
import { Backoff, Sleeper, StateReporter, type BackoffOptions, type FollowHooks, type Follower } from './follow';
import { TailText, endProcess, spawnTracked } from '../remote/process';
import { checkCommand } from './sources';

export interface CommandOptions extends BackoffOptions {
  maxLine?: number;
  cwd?: string;
}

export class CommandFollower implements Follower {
  private readonly backoff: Backoff;
  private readonly sleeper = new Sleeper();
  private child: ChildProcess | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly reporter: StateReporter;
  readonly stats = { starts: 0 };

  constructor(
    private readonly argv: string[],
    private readonly hooks: FollowHooks,
    private readonly opts: CommandOptions = {},
  ) {
    checkCommand(argv);
    this.backoff = new Backoff(opts);
    this.reporter = new StateReporter(hooks);
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.cancel();
    if (this.child) await endProcess(this.child);
    await this.running;
  }

  private async loop(): Promise<void> {
    this.reporter.emit({ state: 'connecting', message: `starting ${this.argv[0]}` });
    while (!this.stopped) {
      const started = Date.now();
      const r = await this.once();
      if (this.stopped) break;
      if (r.fatal) {
        this.reporter.emit({ state: 'failed', reason: 'command', message: r.message, fix: 'Check the program name and that it is on PATH (the command is run directly, not through a shell).' });
        return;
      }
      if (Date.now() - started > 10_000) this.backoff.reset();
      const wait = this.backoff.next();
      this.reporter.reconnecting({ reason: 'command', message: r.message, retryInMs: wait });
      await this.sleeper.sleep(wait);
    }
    this.reporter.emit({ state: 'stopped' });
  }

  private once(): Promise<{ fatal: boolean; message: string }> {
    return new Promise((resolve) => {
      this.stats.starts++;
      const out = new LineAssembler(this.opts.maxLine);
      const err = new LineAssembler(this.opts.maxLine);
      const lastErr = new TailText(400);
      const child = spawnTracked(this.argv[0]!, this.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...(this.opts.cwd ? { cwd: this.opts.cwd } : {}) });
      this.child = child;
      let live = false;
      let paused = 0;
      const deliver = (lines: Line[]): void => {
        if (!lines.length) return;
        if (!live) {
          live = true;
          this.reporter.live(`reading the output of ${this.argv[0]}`);
        }
        const p = this.hooks.lines(lines);
        if (p && paused === 0) {
          paused = 1;
          child.stdout!.pause();
          child.stderr!.pause();
          void p.then(() => {
            paused = 0;
            child.stdout!.resume();
            child.stderr!.resume();
          });
        }
      };
      child.once('spawn', () => {
        // a command that starts and prints nothing yet is live too
        setTimeout(() => {
          if (!live && child.exitCode === null && this.child === child) {
            live = true;
            this.reporter.live(`reading the output of ${this.argv[0]}`);
          }
        }, 300);
      });
      child.stdout!.on('data', (d: Buffer) => deliver(out.push(d)));
      child.stderr!.on('data', (d: Buffer) => {
        lastErr.add(d);
        deliver(err.push(d));
      });
      let settled = false;
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        this.child = undefined;
        resolve({ fatal: true, message: e.code === 'ENOENT' ? `command not found: ${this.argv[0]}` : `cannot start ${this.argv[0]}: ${e.message}` });
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        this.child = undefined;
        deliver([...out.finish(), ...err.finish()]);
        const last = lastErr.value.trim().split('\n').pop() ?? '';
        resolve({ fatal: false, message: `${this.argv[0]} ended (${signal ? `signal ${signal}` : `exit ${code}`})${last ? `: ${last}` : ''}` });
      });
    });
  }
}
