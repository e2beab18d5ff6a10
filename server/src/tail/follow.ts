// What every follower (local file, SSH, command) shares: the hooks it reports through, states,
// reconnect backoff and bounded waits (child processes: ../remote/process.ts).
import type { TailFailure, TailGap, TailState } from '../protocol/protocol';
import type { Line } from './frames';

export interface StateInfo {
  state: TailState;
  reason?: TailFailure;
  message?: string;
  fix?: string;
  retryInMs?: number;
  attempt?: number;
  attempts?: number;
  downMs?: number;
}

export interface NoticeExtra {
  gap?: TailGap;
  attempt?: number;
  retryInMs?: number;
}

export interface FollowHooks {
  /**
   * Complete lines, in order. A returned promise asks the follower to stop reading until it
   * settles (it may still deliver what it already has): that is how a slow consumer bounds memory.
   */
  lines(lines: Line[]): void | Promise<void>;
  state(info: StateInfo): void;
  notice(kind: 'rotated' | 'gap' | 'stderr' | 'retry', message: string, extra?: NoticeExtra): void;
}

/**
 * States as a user should see them: one "reconnecting" per outage (attempt 1 is scheduled in
 * retryInMs); each failed attempt after that is a "retry" notice carrying the number of the next
 * one; one "live" when reading again (attempts: the number of the attempt that worked, downMs:
 * how long it was down); no "live" again while already live, e.g. after a rotation.
 */
export class StateReporter {
  private current: TailState | null = null;
  private attempts = 0;
  private downSince = 0;

  constructor(private readonly hooks: FollowHooks) {}

  get state(): TailState | null {
    return this.current;
  }

  emit(info: StateInfo): void {
    this.current = info.state;
    this.hooks.state(info);
  }

  live(message: string): void {
    if (this.current === 'live') return;
    const after = this.attempts ? { attempts: this.attempts, downMs: Date.now() - this.downSince } : {};
    this.attempts = 0;
    this.downSince = 0;
    this.emit({ state: 'live', message, ...after });
  }

  /** The connection dropped, or an attempt failed; the next attempt follows in retryInMs. */
  reconnecting(info: Omit<StateInfo, 'state'> & { retryInMs: number }): void {
    this.attempts++;
    if (this.current === 'reconnecting') {
      this.hooks.notice('retry', `attempt ${this.attempts - 1} failed${info.message ? `: ${info.message}` : ''}`, { attempt: this.attempts, retryInMs: info.retryInMs });
      return;
    }
    if (this.attempts === 1 || !this.downSince) this.downSince = Date.now();
    this.emit({ state: 'reconnecting', ...info, attempt: this.attempts });
  }
}

export interface Follower {
  start(): void;
  /** Ends the follower and every process it started; resolves when they are gone. */
  stop(): Promise<void>;
}

/** How long a renamed log is still read (nginx writes to it until every worker has reopened). */
export interface RotationOptions {
  /** Quiet time after the new file has its first line (default 5 s). */
  rotationQuietMs?: number;
  /** Upper bound after the rotation was seen (default 60 s). */
  rotationMaxMs?: number;
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
