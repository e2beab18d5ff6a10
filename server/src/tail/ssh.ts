// A log file on another machine, read through the system's OpenSSH client (../remote/ssh.ts: its
// fixed options, and what its errors mean), with the follow script of remote-script.ts.
import type { ChildProcess } from 'node:child_process';
import { LineAssembler, type Line, type Position } from './frames';
import { FrameParser, newNonce } from '../remote/records';
import { scriptInput, type StartMode } from './remote-script';
import { RemoteRotation } from './ssh-rotation';
import { Backoff, Sleeper, StateReporter, type BackoffOptions, type RotationOptions, type FollowHooks, type Follower, type StateInfo } from './follow';
import { TailText, endProcess, spawnTracked } from '../remote/process';
import { remoteShell } from '../remote/shell';
import { classifySshError, firstLine, sshArgs } from '../remote/ssh';
import { checkDestination, checkPath } from '../remote/check-input';

export interface SshOptions extends BackoffOptions, RotationOptions {
  /** The ssh program (default "ssh"). */
  ssh?: string;
  /** `ssh -F FILE` (the CLI's --ssh-config; tests). Settings cannot set this. */
  configFile?: string;
  /** Where a fresh start begins: the end of the file (default) or its start. */
  start?: 'end' | 'start';
  /** With start "end": also show up to this many bytes before the end (whole lines). */
  backlog?: number;
  /** No byte (not even a keep-alive) for this long: the connection is dead (default 20 s). */
  idleTimeoutMs?: number;
  /** Longest line kept, in bytes (default 1 MiB). */
  maxLine?: number;
}

export function permissionFix(path: string, sudo: boolean): string {
  return sudo
    ? `Even through sudo, ${path} cannot be read: check the file and its directories.`
    : `Give the SSH user read access: on Debian/Ubuntu nginx logs belong to the adm group ("sudo usermod -aG adm USER", then reconnect); or set "sudo": true for this source (passwordless sudo only).`;
}

/** Why one connection ended. */
interface SessionEnd {
  reason: StateInfo['reason'];
  message: string;
  fix?: string;
  fatal: boolean;
}

/** Follows `path` on `dest`: connecting, live, reconnecting with backoff, failed with a reason. */
export class SshFollower implements Follower {
  private readonly asm: LineAssembler;
  private readonly backoff: Backoff;
  private readonly sleeper = new Sleeper();
  private child: ChildProcess | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly reporter: StateReporter;
  /** Counters for reports and tests. */
  readonly stats = { connects: 0, drops: 0, rotations: 0, gaps: 0 };

  constructor(
    private readonly dest: string,
    private readonly path: string,
    private readonly sudo: boolean,
    private readonly hooks: FollowHooks,
    private readonly opts: SshOptions = {},
  ) {
    checkDestination(dest);
    checkPath(path);
    this.asm = new LineAssembler(opts.maxLine);
    this.backoff = new Backoff(opts);
    this.reporter = new StateReporter(hooks);
  }

  get position(): Position | null {
    return this.asm.pos;
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
    this.reporter.emit({ state: 'connecting', message: `connecting to ${this.dest}` });
    while (!this.stopped) {
      const started = Date.now();
      const failure = await this.session();
      if (this.stopped) break;
      if (failure.fatal) {
        this.reporter.emit({ state: 'failed', reason: failure.reason, message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) });
        return;
      }
      if (Date.now() - started > 10_000) this.backoff.reset();
      const wait = this.backoff.next();
      this.stats.drops++;
      this.reporter.reconnecting({ reason: failure.reason, message: failure.message, retryInMs: wait, ...(failure.fix ? { fix: failure.fix } : {}) });
      await this.sleeper.sleep(wait);
    }
    this.reporter.emit({ state: 'stopped' });
  }

  /** One connection: resolves with why it ended. */
  private session(): Promise<SessionEnd> {
    return new Promise((resolve) => {
      const nonce = newNonce();
      const pos = this.asm.pos;
      const mode: StartMode = pos ? 'resume' : (this.opts.start ?? 'end');
      const input = scriptInput({
        nonce, path: this.path, mode,
        ...(pos ? { inode: pos.inode, offset: pos.offset, head: pos.head } : {}),
        backlog: this.opts.backlog ?? 0,
        ...(this.opts.rotationQuietMs !== undefined ? { quietMs: this.opts.rotationQuietMs } : {}),
        ...(this.opts.rotationMaxMs !== undefined ? { maxMs: this.opts.rotationMaxMs } : {}),
      });
      const stderr = new TailText();
      let fatal: SessionEnd | undefined;
      let hello = false;
      let lastByte = Date.now();
      let paused = false;
      this.stats.connects++;
      const child = spawnTracked(this.opts.ssh ?? 'ssh', [...sshArgs(this.opts), '--', this.dest, remoteShell(this.sudo)], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      const kill = (): void => void endProcess(child);
      const deliver = (lines: Line[]): void => {
        if (!lines.length) return;
        const p = this.hooks.lines(lines);
        if (p && !paused) {
          paused = true;
          child.stdout!.pause();
          void p.then(() => {
            paused = false;
            lastByte = Date.now();
            child.stdout!.resume();
          });
        }
      };
      const rotation = new RemoteRotation(this.path, this.asm, this.hooks, deliver, this.opts.rotationQuietMs ?? 5_000, this.stats);
      const parser = new FrameParser(nonce, {
        data: (chunk) => deliver(this.asm.push(chunk)),
        record: (w) => {
          switch (w[0]) {
            case 'HELLO':
              hello = true;
              break;
            case 'OPEN': {
              const fresh = this.asm.pos === null; // the first file ever opened: its content so far is history
              deliver(this.asm.open(w[1] ?? '0', Number(w[2] ?? 0), w[3] ?? '-', w[4] === '1', fresh && w[5] ? Number(w[5]) : -1));
              rotation.opened();
              this.reporter.live(`${pos ? 'resumed' : 'following'} ${this.path} on ${this.dest}`);
              break;
            }
            case 'ROT':
              rotation.renamed();
              break;
            case 'LIST':
              rotation.list(w);
              break;
            case 'GEN':
              rotation.gen(w);
              break;
            case 'LEND':
              child.stdin!.write(rotation.end());
              break;
            case 'DRAIN':
              rotation.drain(w);
              break;
            case 'MISS':
              rotation.miss(w);
              break;
            case 'LATE':
              rotation.late(this.opts.rotationMaxMs ?? 60_000);
              break;
            case 'WAIT':
              this.reporter.emit({ state: 'waiting', reason: 'not-found', message: `${this.path} does not exist on ${this.dest} (waiting for it to appear)`, fix: 'Check the path: it is the error_log directive of the nginx config (default /var/log/nginx/error.log).' });
              break;
            case 'ERR':
              fatal = w[1] === 'denied'
                ? { reason: 'permission-denied', fatal: true, message: `permission denied reading ${this.path} on ${this.dest}`, fix: permissionFix(this.path, this.sudo) }
                : { reason: 'not-regular', fatal: true, message: `${this.path} on ${this.dest} is not a regular file (a symlink to /dev/stdout in a container?)`, fix: 'Use a command source instead, e.g. ["docker", "logs", "-f", "--tail", "0", "CONTAINER"].' };
              kill();
              break;
          }
        },
      });
      child.stdout!.on('data', (d: Buffer) => {
        lastByte = Date.now();
        parser.push(d);
      });
      child.stderr!.on('data', (d: Buffer) => stderr.add(d));
      child.stdin!.on('error', () => undefined);
      child.stdin!.write(input);
      const idleMs = this.opts.idleTimeoutMs ?? 20_000;
      const idle = setInterval(() => {
        if (!paused && Date.now() - lastByte > idleMs) {
          stderr.add(`\nno data or keep-alive for ${Math.round(idleMs / 1000)} s`);
          kill();
        }
      }, Math.min(1000, idleMs / 4));
      let settled = false;
      const finish = (code: number | null, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        clearInterval(idle);
        this.child = undefined;
        this.asm.reset();
        if (spawnError) {
          const e = spawnError as NodeJS.ErrnoException;
          resolve({ reason: 'invalid', fatal: true, message: e.code === 'ENOENT' ? 'the ssh program was not found (install OpenSSH\'s client)' : `cannot start ssh: ${e.message}` });
          return;
        }
        if (fatal) return resolve(fatal);
        if (hello && code !== 255) {
          // the script itself ended (killed on the server?): reconnect
          return resolve({ reason: 'connection', fatal: false, message: `the remote reader ended${stderr.value.trim() ? `: ${firstLine(stderr.value)}` : ''}` });
        }
        resolve(classifySshError(stderr.value, this.dest, code, this.sudo));
      };
      child.on('error', (e) => finish(null, e));
      child.on('close', (code) => finish(code));
    });
  }
}
