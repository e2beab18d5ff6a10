// Shared by the tail tier: a writer of numbered log lines that rotates its file the two ways
// logrotate does, a collector that checks every number arrives exactly once, bounded waits.
import { closeSync, copyFileSync, existsSync, openSync, renameSync, truncateSync, writeSync } from 'node:fs';
import type { FollowHooks, NoticeExtra, StateInfo } from '../../server/src/tail/follow';
import type { Line } from '../../server/src/tail/frames';

/** Polls until probe() is truthy; fails after ms with `what` (and the detail, if given). */
export async function waitFor<T>(probe: () => T | undefined | false | null, what: string, ms = 10_000, detail?: () => string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Appends "seq=N" lines to a log the way nginx does (one O_APPEND descriptor, whole lines);
 * every 97th line is 70,000 bytes long, so lines cross every buffer boundary on the way.
 */
export class NumberedWriter {
  n = 0;
  private fd: number;
  private timer: NodeJS.Timeout | undefined;
  rotations = { rename: 0, copytruncate: 0 };

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  line(i: number): string {
    const pad = i % 97 === 0 ? 'x'.repeat(70_000) : 'pad'.repeat(i % 13);
    return `2026/11/22 04:22:29 [notice] 1234#1234: *${i} seq=${i} ${pad}\n`;
  }

  write(count = 1): void {
    let s = '';
    for (let k = 0; k < count; k++) s += this.line(++this.n);
    writeSync(this.fd, s);
  }

  start(everyMs = 4, perTick = 3): void {
    this.timer = setInterval(() => this.write(perTick), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** log.N -> log.N+1 (like logrotate's rotate count). */
  private shift(): void {
    for (let k = 8; k >= 1; k--) if (existsSync(`${this.path}.${k}`)) renameSync(`${this.path}.${k}`, `${this.path}.${k + 1}`);
  }

  /** Rename + create: the old file keeps getting lines until the writer reopens (nginx's USR1). */
  rotateRename(): void {
    this.shift();
    renameSync(this.path, `${this.path}.1`);
    this.write(3); // still to the old file, as nginx does until it reopens
    const old = this.fd;
    this.fd = openSync(this.path, 'a');
    closeSync(old);
    this.rotations.rename++;
  }

  /** copytruncate: copy, then truncate in place; the writer's O_APPEND descriptor carries on at 0. */
  copyTruncate(): void {
    this.shift();
    copyFileSync(this.path, `${this.path}.1`);
    truncateSync(this.path, 0);
    this.rotations.copytruncate++;
  }

  close(): void {
    this.stop();
    closeSync(this.fd);
  }
}

/** Hooks that record lines (by their seq=N), states and notices. */
export class Collector implements FollowHooks {
  readonly seen = new Map<number, number>();
  readonly order: number[] = [];
  /** The gen=G of each line in `order` (-1 when the line has none). */
  readonly gens: number[] = [];
  readonly texts: string[] = [];
  readonly states: StateInfo[] = [];
  readonly notices: ({ kind: string; message: string } & NoticeExtra)[] = [];
  other = 0;
  /** When set, lines() returns this promise (a slow consumer). */
  gate: Promise<void> | undefined;

  lines(lines: Line[]): void | Promise<void> {
    for (const l of lines) {
      this.texts.push(l.text.length > 200 ? `${l.text.slice(0, 200)}...(${l.bytes} bytes)` : l.text);
      if (this.texts.length > 2000) this.texts.splice(0, 1000);
      const m = /seq=(\d+) /.exec(l.text);
      if (!m) {
        this.other++;
        continue;
      }
      const n = Number(m[1]);
      this.seen.set(n, (this.seen.get(n) ?? 0) + 1);
      this.order.push(n);
      const g = / gen=(\d+) /.exec(l.text);
      this.gens.push(g ? Number(g[1]) : -1);
    }
    return this.gate;
  }

  state(info: StateInfo): void {
    this.states.push(info);
  }

  notice(kind: string, message: string, extra: NoticeExtra = {}): void {
    this.notices.push({ kind, message, ...extra });
  }

  get lastState(): StateInfo | undefined {
    return this.states[this.states.length - 1];
  }

  /** Numbers 1..upTo missing, and numbers seen more than once. */
  check(upTo: number): { missing: number[]; duplicated: number[]; outOfOrder: number } {
    const missing: number[] = [];
    for (let i = 1; i <= upTo; i++) if (!this.seen.has(i)) missing.push(i);
    const duplicated = [...this.seen.entries()].filter(([, c]) => c > 1).map(([n]) => n);
    let outOfOrder = 0;
    for (let i = 1; i < this.order.length; i++) if (this.order[i]! < this.order[i - 1]!) outOfOrder++;
    return { missing, duplicated, outOfOrder };
  }

  /** Places where a line of an older file generation follows one of a newer generation, or seq goes back within one. */
  generationOrder(): { inversions: number; first: string | null } {
    let inversions = 0;
    let first: string | null = null;
    for (let i = 1; i < this.order.length; i++) {
      const [g0, g1, s0, s1] = [this.gens[i - 1]!, this.gens[i]!, this.order[i - 1]!, this.order[i]!];
      if (g1 < g0 || (g1 === g0 && s1 < s0)) {
        inversions++;
        first ??= `seq=${s0} gen=${g0} then seq=${s1} gen=${g1}`;
      }
    }
    return { inversions, first };
  }

  describe(): string {
    return `states: ${this.states.map((s) => `${s.state}${s.reason ? `(${s.reason})` : ''}${s.message ? `: ${s.message}` : ''}`).slice(-12).join('\n  ')}\nnotices: ${this.notices.map((n) => (n.kind === 'gap' || n.kind === 'rotated' ? `${n.kind} (${n.message})` : n.kind)).join(', ')}`;
  }
}
