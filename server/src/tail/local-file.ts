// A log file on this machine, followed with plain reads (no shell, works on every OS). Same rules
// as the remote script: the file is known by device+inode and its first bytes.
// - Rotation by rename shows as another file at the path. The old file, still open, is read on
//   until it has been quiet for rotationQuietMs after the new file received its first line
//   (nginx's workers write to it until the reopen signal reaches each of them), at most
//   rotationMaxMs; then any generation rotated in between (generations.ts), then the new file.
//   Lines therefore come in file-generation order.
// - copytruncate shows as a size below the offset or a changed head: the copy, found next to the
//   file by its head (plain or gzip), is read from the offset first, so lines written just before
//   the copy are not lost; bytes seen but in no file (copytruncate's window) are a gap notice.
//   Before the file is read from its start, copies new since the list (truncated again meanwhile)
//   are read whole.
import { promises as fsp, type Stats } from 'node:fs';
import type { TailGap } from '../protocol/protocol';
import { basename } from 'node:path';
import { LineAssembler, type Line, type Position } from './frames';
import { HEAD_BYTES } from './remote-script';
import { Sleeper, StateReporter, type FollowHooks, type Follower, type RotationOptions } from './follow';
import { planRecovery, rotationMessage, type RecoveryInput, type RecoveryPlan, type Sibling } from './generations';
import { inodeKey, listSiblings, openGeneration, readGeneration } from './local-generations';

export interface LocalOptions extends RotationOptions {
  start?: 'end' | 'start';
  /** With start "end": also show up to this many bytes before the end (whole lines). */
  backlog?: number;
  /** Poll interval (default 200 ms). */
  pollMs?: number;
  /** Bytes read at once (default 256 KiB). */
  chunk?: number;
  maxLine?: number;
}

type Handle = fsp.FileHandle;

interface Open {
  fh: Handle;
  st: Stats;
}


export class LocalFileFollower implements Follower {
  private readonly asm: LineAssembler;
  private readonly sleeper = new Sleeper();
  private readonly reporter: StateReporter;
  private readonly buf: Buffer;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** The generation being read, its identity, how far it was read, and the largest size seen. */
  private fh: Handle | undefined;
  private ident = { dev: 0, ino: 0 };
  private off = 0;
  private maxSize = 0;
  private first = true;
  /** The rotated files at the last listing. */
  private listed: Sibling[] = [];
  readonly stats = { rotations: 0, gaps: 0 };

  constructor(
    private readonly path: string,
    private readonly hooks: FollowHooks,
    private readonly opts: LocalOptions = {},
  ) {
    this.asm = new LineAssembler(opts.maxLine);
    this.reporter = new StateReporter(hooks);
    this.buf = Buffer.alloc(opts.chunk ?? 256 * 1024);
  }

  get position(): Position | null {
    return this.asm.pos;
  }

  start(): void {
    this.running ??= this.run().catch((e: unknown) => {
      this.reporter.emit({ state: 'failed', reason: 'remote', message: `reading ${this.path} failed: ${e instanceof Error ? e.message : String(e)}` });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.cancel();
    await this.running;
    await this.fh?.close().catch(() => undefined);
    this.fh = undefined;
  }

  private nap(): Promise<void> {
    return this.sleeper.sleep(this.opts.pollMs ?? 200);
  }

  private async deliver(lines: Line[]): Promise<void> {
    if (lines.length) await this.hooks.lines(lines);
  }

  private async statPath(): Promise<{ st?: Stats; code?: string }> {
    try {
      return { st: await fsp.stat(this.path) };
    } catch (e) {
      return { code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
    }
  }

  /** Opens the file at the path if it is still the one stat saw; null when missing (or it changed meanwhile: try again). */
  private async openPath(): Promise<Open | 'denied' | 'not-regular' | null> {
    const { st, code } = await this.statPath();
    if (!st) return code === 'EACCES' || code === 'EPERM' ? 'denied' : null;
    if (!st.isFile()) return 'not-regular';
    let fh: Handle;
    try {
      fh = await fsp.open(this.path, 'r');
    } catch (e) {
      const c = (e as NodeJS.ErrnoException).code;
      if (c === 'ENOENT') return null;
      if (c === 'EACCES' || c === 'EPERM') return 'denied';
      throw e;
    }
    const fst = await fh.stat();
    const again = await this.statPath();
    if (!again.st || again.st.ino !== fst.ino || again.st.dev !== fst.dev) {
      await fh.close();
      return null;
    }
    return { fh, st: fst };
  }

  /**
   * Opens the path (waiting while it is missing) and starts reading it; false when stopped or
   * failed. `expect`: what a file opened earlier looked like (its first bytes, its size) when the
   * rotated files were listed; if it no longer starts so, it was truncated (copytruncate) before it
   * was read, and its copy is read first (unless the list already had it).
   */
  private async openFresh(mode: 'end' | 'start', ready?: Open | null, expect?: { head: string; size: number; alreadyRead: ReadonlySet<string> }): Promise<boolean> {
    // missing at the start: say so at once; after a rotation only when it stays missing (~5 s)
    let misses = this.first ? 24 : 0;
    let saidWaiting = false;
    let o = ready ?? null;
    while (!o) {
      if (this.stopped) return false;
      const r = await this.openPath();
      if (r === 'not-regular') {
        this.reporter.emit({ state: 'failed', reason: 'not-regular', message: `${this.path} is not a regular file`, fix: 'Point the source at the log file itself (the error_log path), or use a command source.' });
        return false;
      }
      if (r === 'denied') return this.denied();
      if (r) o = r;
      else {
        if (!saidWaiting && ++misses >= 25) {
          saidWaiting = true;
          this.reporter.emit({ state: 'waiting', reason: 'not-found', message: `${this.path} does not exist (waiting for it to appear)`, fix: 'Check the path: it is the error_log directive of the nginx config.' });
        }
        await this.nap();
      }
    }
    const { fh } = o;
    // (a file opened earlier, e.g. while the renamed one was still read, has grown since)
    const st = await fh.stat();
    this.fh = fh;
    this.ident = { dev: st.dev, ino: st.ino };
    let offset = 0;
    let skip = false;
    const backlog = this.opts.backlog ?? 0;
    if (mode === 'end' && st.size > backlog) {
      offset = st.size - backlog;
      // mid-line unless the byte before is a newline: that first partial line is dropped
      skip = (await readAt(fh, offset - 1, 1))[0] !== 10;
    }
    const head = await readAt(fh, 0, Math.min(st.size, HEAD_BYTES));
    const hex = head.toString('hex');
    const common = Math.min(hex.length, expect?.head.length ?? 0);
    if (expect?.head && (st.size < expect.size || hex.slice(0, common) !== expect.head.slice(0, common))) {
      await this.deliver(this.asm.open(inodeKey(st), 0, expect.head, false));
      this.off = 0;
      this.maxSize = expect.size;
      return this.truncated(expect.alreadyRead);
    }
    await this.deliver(this.asm.open(inodeKey(st), offset, hex || '-', skip, this.first ? st.size : -1));
    this.first = false;
    this.off = offset;
    this.maxSize = st.size;
    this.reporter.live(`following ${this.path}`);
    return true;
  }

  private denied(): false {
    this.reporter.emit({
      state: 'failed', reason: 'permission-denied', message: `permission denied reading ${this.path}`,
      fix: 'Give your user read access to the log: on Debian/Ubuntu nginx logs belong to the adm group ("sudo usermod -aG adm $USER", then log in again).',
    });
    return false;
  }

  private async run(): Promise<void> {
    this.reporter.emit({ state: 'connecting', message: `opening ${this.path}` });
    if (!(await this.openFresh(this.opts.start ?? 'end'))) return;
    let lastSize = -1;
    let checks = 0;
    let missing = 0;
    while (!this.stopped) {
      const { st } = await this.statPath();
      if (st && st.ino === this.ident.ino && st.dev === this.ident.dev) {
        missing = 0;
        if (st.size < this.off) {
          if (!(await this.truncated())) return;
          lastSize = -1;
          continue;
        }
        if (st.size !== lastSize || ++checks >= 5) {
          checks = 0;
          const head = this.asm.pos!.head;
          const now = (await readAt(this.fh!, 0, head.length / 2)).toString('hex');
          // the start of the file changed under us: truncated and written again past our offset
          if (now !== head) {
            if (!(await this.truncated())) return;
            lastSize = -1;
            continue;
          }
          lastSize = st.size;
        }
        if (st.size > this.maxSize) this.maxSize = st.size;
        if (st.size > this.off) {
          const n = await this.fh!.read(this.buf, 0, Math.min(this.buf.length, st.size - this.off), this.off);
          if (n.bytesRead > 0) {
            this.off += n.bytesRead;
            await this.deliver(this.asm.push(this.buf.subarray(0, n.bytesRead)));
            continue;
          }
        }
      } else if (st) {
        if (!(await this.renamed())) return;
        lastSize = -1;
        continue;
      } else {
        // missing: mid-rotation, or deleted; what is still written to the open file is read
        this.off = await this.readToEnd(this.fh!, this.off);
        if (++missing === 25) this.reporter.emit({ state: 'waiting', reason: 'not-found', message: `${this.path} disappeared (waiting for it to come back)` });
      }
      await this.nap();
    }
  }

  /** Another file is at the path: read the old one on (by descriptor) until quiet, then what was rotated in between, then the new one. */
  private async renamed(): Promise<boolean> {
    const old = this.fh!;
    const next = await this.openPath();
    const waiting: { pending: Open | null } = { pending: next && typeof next === 'object' ? next : null };
    this.stats.rotations++;
    this.hooks.notice('rotated', rotationMessage(this.path, 'rename', null, this.opts.rotationQuietMs ?? 5_000));
    this.off = await this.readUntilQuiet(old, this.off, waiting, null);
    await this.deliver(this.asm.finish());
    await old.close().catch(() => undefined);
    this.fh = undefined;
    // only now, so that whatever was rotated meanwhile (a copy of the new file too) is in the list
    const pending = waiting.pending;
    // the new file before the list (first bytes, then size): if it is truncated (copytruncate) before
    // it is read, its copy is read from its start, unless the list already had it
    const listed = pending ? { head: (await readAt(pending.fh, 0, HEAD_BYTES)).toString('hex'), size: (await pending.fh.stat()).size } : null;
    const plan = await this.plan({ base: basename(this.path), position: this.asm.pos!, why: 'rename', currentInode: pending ? inodeKey(pending.st) : null });
    if (plan.steps.length) this.hooks.notice('rotated', rotationMessage(this.path, 'rename', plan, 0));
    if (!(await this.readPlan(plan, await this.openSteps(plan), waiting))) return false;
    return this.openFresh('start', pending, listed ? { ...listed, alreadyRead: new Set(plan.steps.map((s) => s.sibling.inode)) } : undefined);
  }

  /**
   * Reads a renamed generation on through its descriptor until it has been quiet for
   * rotationQuietMs once the newest file (or a later one) has a line, or for rotationMaxMs in
   * all (then a gap notice says it was still being written). Returns the offset reached.
   */
  private async readUntilQuiet(fh: Handle, from: number, waiting: { pending: Open | null }, name: string | null): Promise<number> {
    const quietMs = this.opts.rotationQuietMs ?? 5_000;
    const maxMs = this.opts.rotationMaxMs ?? 60_000;
    const started = Date.now();
    let quietSince: number | null = null;
    let lastData = started;
    let off = from;
    for (;;) {
      const before = off;
      off = await this.readToEnd(fh, off);
      // the new file may not exist yet (renamed, not yet created): hold it as soon as it does
      if (!waiting.pending) {
        const o = await this.openPath();
        if (o && typeof o === 'object') waiting.pending = o;
      }
      const hasLine = await this.newFileHasLine(waiting.pending);
      const now = Date.now();
      if (off > before) {
        lastData = now;
        quietSince = null;
      } else if (hasLine && quietSince === null) quietSince = now;
      if (quietSince !== null && now - quietSince >= quietMs) return off;
      if (now - started >= maxMs) {
        if (now - lastData < quietMs) {
          const what = name ?? `the renamed ${basename(this.path)}`;
          this.gap({ reason: 'still-written', file: name ?? basename(this.path), fromByte: off, bytes: null }, `stopped reading ${what} ${seconds(maxMs)} after the rotation while it was still being written: the writer has not reopened its log (check logrotate's postrotate); lines written to it after byte ${off.toLocaleString('en')} are not shown`);
        }
        return off;
      }
      if (this.stopped) return off;
      await this.nap();
    }
  }

  private async newFileHasLine(current: Open | null): Promise<boolean> {
    if (current) {
      if ((await current.fh.stat()).size > 0) return true;
      // rotated again meanwhile: the writer has moved on
      const { st } = await this.statPath();
      return !!st && (st.ino !== current.st.ino || st.dev !== current.st.dev);
    }
    const { st } = await this.statPath();
    return !!st && st.size > 0;
  }

  /** copytruncate: the copy from our offset (plain or gzip), generations in between, then the file from its start. */
  private async truncated(alreadyRead?: ReadonlySet<string>): Promise<boolean> {
    const plan = await this.plan({
      base: basename(this.path), position: this.asm.pos!, why: 'truncate', currentInode: inodeKey(this.ident),
      lastSize: this.maxSize, readUpTo: this.off, ...(alreadyRead ? { alreadyRead } : {}),
    });
    const handles = await this.openSteps(plan);
    if (!plan.steps.length && !plan.gaps.length && alreadyRead) return this.openFresh('start', { fh: this.fh!, st: await this.fh!.stat() });
    this.stats.rotations++;
    this.hooks.notice('rotated', rotationMessage(this.path, 'truncate', plan, 0));
    // a partial line is read again from the copy; without a copy it is all there is
    if (plan.steps.length) this.asm.reset();
    else await this.deliver(this.asm.finish());
    const fh = this.fh!;
    this.fh = undefined;
    const read = new Set(plan.steps.map((s) => s.sibling.inode));
    const expect = (await this.readPlan(plan, handles, { pending: null })) ? await this.readNewCopies(fh, this.listed, read) : null;
    if (!expect) {
      await fh.close().catch(() => undefined);
      return false;
    }
    // the file again from its start; through the descriptor when the path is another file by now
    const { st } = await this.statPath();
    if (st && st.ino === this.ident.ino && st.dev === this.ident.dev) {
      await fh.close().catch(() => undefined);
      return this.openFresh('start', null, expect);
    }
    return this.openFresh('start', { fh, st: await fh.stat() }, expect);
  }

  /**
   * After a copytruncate's copy was read, before the file is read from its start: if it was
   * truncated again meanwhile (a new rotated file since the listing), the generation in between is
   * only in that newer copy: read every new one whole, oldest first, until the list holds nothing
   * new. Returns what the file looked like at the last listing (a truncation after it is seen by
   * openFresh), or null when stopped.
   */
  private async readNewCopies(fh: Handle, listed: Sibling[], read: Set<string>): Promise<{ head: string; size: number; alreadyRead: Set<string> } | null> {
    const inode = inodeKey(this.ident);
    for (;;) {
      // the file before the list (first bytes, then size): a truncation after the list shows there
      const size = (await fh.stat()).size;
      const head = (await readAt(fh, 0, Math.min(size, HEAD_BYTES))).toString('hex');
      const siblings = await listSiblings(this.path);
      const plan = planRecovery({ base: basename(this.path), position: { inode, offset: 0, head: '' }, why: 'truncate', currentInode: inode, siblings, listedBefore: listed });
      if (!plan.steps.length && !plan.gaps.length) return { head, size, alreadyRead: read };
      this.stats.rotations++;
      this.hooks.notice('rotated', rotationMessage(this.path, 'truncate', plan, 0));
      for (const s of plan.steps) read.add(s.sibling.inode);
      if (!(await this.readPlan(plan, await this.openSteps(plan), { pending: null }))) return null;
      listed = siblings;
    }
  }

  /** Lists the rotated files and plans; a list with a gap is taken once more (it may have been taken mid-rename). */
  private async plan(input: Omit<RecoveryInput, 'siblings'>): Promise<RecoveryPlan> {
    this.listed = await listSiblings(this.path);
    const plan = planRecovery({ ...input, siblings: this.listed });
    if (!plan.gaps.length) return plan;
    await this.nap();
    this.listed = await listSiblings(this.path);
    return planRecovery({ ...input, siblings: this.listed });
  }

  /** Opens every planned generation now, so later renames (error.log.1 -> .2) do not matter. */
  private async openSteps(plan: RecoveryPlan): Promise<(Handle | null)[]> {
    return Promise.all(plan.steps.map((s) => openGeneration(this.path, s.sibling)));
  }

  /** Reads the planned generations in order, with the gap notices where they belong; closes the handles. */
  private async readPlan(plan: RecoveryPlan, handles: (Handle | null)[], waiting: { pending: Open | null }): Promise<boolean> {
    let g = 0;
    const gapsBefore = (i: number): void => {
      for (; g < plan.gaps.length && plan.gaps[g]!.before <= i; g++) this.gap(plan.gaps[g]!.gap, plan.gaps[g]!.message);
    };
    try {
      for (const [i, step] of plan.steps.entries()) {
        gapsBefore(i);
        const s = step.sibling;
        const fh = handles[i];
        if (this.stopped) return false;
        if (!fh) {
          this.gap({ reason: 'not-found', file: s.name, fromByte: step.from, bytes: null }, `${s.name} disappeared before it could be read: its lines from byte ${step.from.toLocaleString('en')} on are missing (size unknown)`);
          continue;
        }
        await this.deliver(this.asm.open(s.inode, step.from, s.head || '-', false));
        try {
          if (step.follow) await this.readUntilQuiet(fh, step.from, waiting, s.name);
          else await readGeneration(fh, s, step.from, this.buf, (chunk) => this.deliver(this.asm.push(chunk)));
        } catch (e) {
          this.gap({ reason: 'unreadable', file: s.name, bytes: null }, `${s.name} could not be read to its end (${e instanceof Error ? e.message : String(e)}): the rest of its lines are skipped`);
        }
        await this.deliver(this.asm.finish());
      }
      gapsBefore(Number.MAX_SAFE_INTEGER);
    } finally {
      await Promise.all(handles.map((h) => h?.close().catch(() => undefined)));
    }
    return !this.stopped;
  }

  private gap(gap: TailGap, message: string): void {
    this.stats.gaps++;
    this.hooks.notice('gap', `${this.path}: lines are missing: ${message}`, { gap });
  }

  /** Reads fh from `from` to its current end; returns the new offset. */
  private async readToEnd(fh: Handle, from: number): Promise<number> {
    let off = from;
    for (;;) {
      const n = await fh.read(this.buf, 0, this.buf.length, off);
      if (n.bytesRead <= 0) return off;
      off += n.bytesRead;
      await this.deliver(this.asm.push(this.buf.subarray(0, n.bytesRead)));
    }
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

async function readAt(fh: Handle, pos: number, len: number): Promise<Buffer> {
  if (len <= 0) return Buffer.alloc(0);
  const b = Buffer.alloc(len);
  const r = await fh.read(b, 0, len, pos);
  return b.subarray(0, r.bytesRead);
}
