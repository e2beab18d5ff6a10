// What every follower (local file, SSH, command) shares: the hooks it reports through, states,
// reconnect backoff and bounded waits (child processes: ../remote/process.ts).
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
