// A log file on this machine, followed with plain reads (no shell, works on every OS). Same rules
// as the remote script: the file is known by device+inode and its first bytes; rotation by rename
// shows as another file at the path (the old one, still open, is read to its end first);
// copytruncate as a size below the offset or a changed head (the copy, found next to the file by
// its head, is read from the offset first, so lines written just before the copy are not lost).
import { promises as fsp, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LineAssembler, type Line, type Position } from './frames';
import { HEAD_BYTES } from './remote-script';
import { Sleeper, type FollowHooks, type Follower } from './follow';

export interface LocalOptions {
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

export class LocalFileFollower implements Follower {
  private readonly asm: LineAssembler;
  private readonly sleeper = new Sleeper();
  private stopped = false;
  private running: Promise<void> | undefined;
  private fh: Handle | undefined;
  private first = true;
  readonly stats = { rotations: 0, gaps: 0 };

  constructor(
    private readonly path: string,
    private readonly hooks: FollowHooks,
    private readonly opts: LocalOptions = {},
  ) {
    this.asm = new LineAssembler(opts.maxLine);
  }

  get position(): Position | null {
    return this.asm.pos;
  }

  start(): void {
    this.running ??= this.run().catch((e: unknown) => {
      this.hooks.state({ state: 'failed', reason: 'remote', message: `reading ${this.path} failed: ${e instanceof Error ? e.message : String(e)}` });
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

  /** Opens the path (waiting while it is missing); false when stopped or failed. */
  private async openFresh(mode: 'end' | 'start'): Promise<{ st: Stats; offset: number } | null> {
    let saidWaiting = false;
    for (;;) {
      if (this.stopped) return null;
      const { st, code } = await this.statPath();
      if (st && !st.isFile()) {
        this.hooks.state({ state: 'failed', reason: 'not-regular', message: `${this.path} is not a regular file`, fix: 'Point the source at the log file itself (the error_log path), or use a command source.' });
        return null;
      }
      if (st) {
        let fh: Handle;
        try {
          fh = await fsp.open(this.path, 'r');
        } catch (e) {
          const c = (e as NodeJS.ErrnoException).code;
          if (c === 'ENOENT') continue;
          if (c === 'EACCES' || c === 'EPERM') return this.denied();
          throw e;
        }
        const fst = await fh.stat();
        const again = await this.statPath();
        if (!again.st || again.st.ino !== fst.ino || again.st.dev !== fst.dev) {
          await fh.close();
          continue;
        }
        this.fh = fh;
        let offset = 0;
        let skip = false;
        const backlog = this.opts.backlog ?? 0;
        if (mode === 'end' && fst.size > backlog) {
          offset = fst.size - backlog;
          // mid-line unless the byte before is a newline: that first partial line is dropped
          skip = (await readAt(fh, offset - 1, 1))[0] !== 10;
        }
        const head = await readAt(fh, 0, Math.min(fst.size, HEAD_BYTES));
        await this.deliver(this.asm.open(`${fst.dev}:${fst.ino}`, offset, head.toString('hex') || '-', skip, this.first ? fst.size : -1));
        this.first = false;
        this.hooks.state({ state: 'live', message: `following ${this.path}` });
        return { st: fst, offset };
      }
      if (code === 'EACCES' || code === 'EPERM') return this.denied();
      if (!saidWaiting) {
        saidWaiting = true;
        this.hooks.state({ state: 'waiting', reason: 'not-found', message: `${this.path} does not exist (waiting for it to appear)`, fix: 'Check the path: it is the error_log directive of the nginx config.' });
      }
      await this.nap();
    }
  }

  private denied(): null {
    this.hooks.state({
      state: 'failed', reason: 'permission-denied', message: `permission denied reading ${this.path}`,
      fix: 'Give your user read access to the log: on Debian/Ubuntu nginx logs belong to the adm group ("sudo usermod -aG adm $USER", then log in again).',
    });
    return null;
  }

  private async run(): Promise<void> {
    this.hooks.state({ state: 'connecting', message: `opening ${this.path}` });
    let cur = await this.openFresh(this.opts.start ?? 'end');
    if (!cur) return;
    let ident = { dev: cur.st.dev, ino: cur.st.ino };
    let off = cur.offset;
    let lastSize = -1;
    let checks = 0;
    let missing = 0;
    const chunk = this.opts.chunk ?? 256 * 1024;
    const buf = Buffer.alloc(chunk);
    const rotateTo = async (how: 'rename' | 'truncate'): Promise<boolean> => {
      await this.fh?.close().catch(() => undefined);
      this.fh = undefined;
      this.stats.rotations++;
      this.hooks.notice('rotated', how === 'truncate' ? `${this.path} was truncated (copytruncate); read the copy to its end, now reading from the start`
        : `${this.path} was rotated (renamed and re-created); read the old file to its end, now reading the new one`);
      const next = await this.openFresh('start');
      if (!next) return false;
      ident = { dev: next.st.dev, ino: next.st.ino };
      off = 0;
      lastSize = -1;
      return true;
    };
    const truncated = async (): Promise<boolean> => {
      // copytruncate: lines written after our last read went into the copy
      const copy = await this.findCopy(ident, off);
      if (copy) {
        try {
          await this.readToEnd(copy, off, buf);
        } finally {
          await copy.close().catch(() => undefined);
        }
      }
      return rotateTo('truncate');
    };
    while (!this.stopped) {
      const { st } = await this.statPath();
      if (st && st.ino === ident.ino && st.dev === ident.dev) {
        missing = 0;
        if (st.size < off) {
          if (!(await truncated())) return;
          continue;
        }
        if (st.size !== lastSize || ++checks >= 5) {
          checks = 0;
          const head = this.asm.pos!.head;
          const now = (await readAt(this.fh!, 0, head.length / 2)).toString('hex');
          // the start of the file changed under us: truncated and written again past our offset
          if (now !== head) {
            if (!(await truncated())) return;
            continue;
          }
          lastSize = st.size;
        }
        if (st.size > off) {
          const n = await this.fh!.read(buf, 0, Math.min(chunk, st.size - off), off);
          if (n.bytesRead > 0) {
            off += n.bytesRead;
            await this.deliver(this.asm.push(buf.subarray(0, n.bytesRead)));
            continue;
          }
        }
      } else if (st) {
        // another file at the path: rotated by rename; read the old one to its end first
        await this.readToEnd(this.fh!, off, buf);
        await this.deliver(this.asm.finish());
        if (!(await rotateTo('rename'))) return;
        continue;
      } else {
        // missing: mid-rotation, or deleted; what is still written to the open file is read
        off = await this.readToEnd(this.fh!, off, buf);
        if (++missing === 25) this.hooks.state({ state: 'waiting', reason: 'not-found', message: `${this.path} disappeared (waiting for it to come back)` });
      }
      await this.nap();
    }
  }

  /** Reads fh from `from` to its current end; returns the new offset. */
  private async readToEnd(fh: Handle, from: number, buf: Buffer): Promise<number> {
    let off = from;
    for (;;) {
      const n = await fh.read(buf, 0, buf.length, off);
      if (n.bytesRead <= 0) return off;
      off += n.bytesRead;
      await this.deliver(this.asm.push(buf.subarray(0, n.bytesRead)));
    }
  }

  /** The copy copytruncate made: a sibling PATH?* with our head and at least `size` bytes. */
  private async findCopy(ident: { dev: number; ino: number }, size: number): Promise<Handle | null> {
    const head = this.asm.pos?.head ?? '';
    if (!head) return null;
    const dir = dirname(this.path);
    const base = basename(this.path);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return null;
    }
    for (const name of names.sort()) {
      if (!name.startsWith(base) || name === base) continue;
      const p = join(dir, name);
      let fh: Handle | undefined;
      try {
        fh = await fsp.open(p, 'r');
        const st = await fh.stat();
        if (st.isFile() && !(st.ino === ident.ino && st.dev === ident.dev) && st.size >= size) {
          const h = (await readAt(fh, 0, head.length / 2)).toString('hex');
          if (h === head) return fh;
        }
        await fh.close();
      } catch {
        await fh?.close().catch(() => undefined);
      }
    }
    return null;
  }
}

async function readAt(fh: Handle, pos: number, len: number): Promise<Buffer> {
  if (len <= 0) return Buffer.alloc(0);
  const b = Buffer.alloc(len);
  const r = await fh.read(b, 0, len, pos);
  return b.subarray(0, r.bytesRead);
}
