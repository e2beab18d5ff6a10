// What every follower (local file, SSH, command) shares: the hooks it reports through, states,
// reconnect backoff, bounded waits and child processes that are always ended.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { TailFailure, TailState } from '../protocol/protocol';
import type { Line } from './frames';

export interface StateInfo {
  state: TailState;
  reason?: TailFailure;
  message?: string;
  fix?: string;
  retryInMs?: number;
}

export interface FollowHooks {
  /**
   * Complete lines, in order. A returned promise asks the follower to stop reading until it
   * settles (it may still deliver what it already has): that is how a slow consumer bounds memory.
   */
  lines(lines: Line[]): void | Promise<void>;
  state(info: StateInfo): void;
  notice(kind: 'rotated' | 'gap' | 'stderr', message: string): void;
}

export interface Follower {
  start(): void;
  /** Ends the follower and every process it started; resolves when they are gone. */
  stop(): Promise<void>;
}

export interface BackoffOptions {
  /** First reconnect delay (default 500 ms); doubles up to maxBackoffMs (default 30 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions = {}) {}
  next(): number {
    const min = this.opts.minBackoffMs ?? 500;
    const max = this.opts.maxBackoffMs ?? 30_000;
    const base = Math.min(max, min * 2 ** Math.min(this.attempt++, 20));
    // +-20% jitter so that several sources do not reconnect in lockstep
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
  reset(): void {
    this.attempt = 0;
  }
}

/** A sleep that stop() can cut short. */
export class Sleeper {
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

const children = new Set<ChildProcess>();
let exitHook = false;

/** Spawns without a shell; the process is killed if this process exits first. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions): ChildProcess {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
  }
  const child = spawn(cmd, args, { ...opts, shell: false, windowsHide: true });
  children.add(child);
  child.once('close', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process has closed (bounded). */
export function endProcess(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(t1);
      clearTimeout(t2);
      resolve();
    };
    child.once('close', finish);
    child.once('exit', () => setTimeout(finish, 200));
    child.kill('SIGTERM');
    const t1 = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const t2 = setTimeout(finish, graceMs + 3_000);
  });
}

/** Keeps the last `max` bytes of a stream's text (for error messages). */
export class TailText {
  private text = '';
  constructor(private readonly max = 8192) {}
  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }
  get value(): string {
    return this.text;
  }
  clear(): void {
    this.text = '';
  }
}
