// The rotated files next to a local log (for generations.ts) and reading one of them, plain or
// gzip-compressed, from an offset of its content. Node only (no shell, no zcat): works on every OS.
import { createReadStream, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { HEAD_BYTES } from './remote-script';
import { compressionOf, rotatedSuffix, type Sibling } from './generations';

export const inodeKey = (st: { dev: number; ino: number }): string => `${st.dev}:${st.ino}`;

/** The first `len` bytes of a gzip file's content ('' when it cannot be read). */
async function gunzipHead(path: string, len: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  const source = createReadStream(path, { highWaterMark: 16 * 1024 });
  try {
    for await (const chunk of source.pipe(createGunzip()) as AsyncIterable<Buffer>) {
      parts.push(chunk);
      got += chunk.length;
      if (got >= len) break;
    }
  } catch {
    // a gzip file still being written, or not gzip at all: whatever came out
  } finally {
    source.destroy();
  }
  return Buffer.concat(parts).subarray(0, len);
}

/** gzip's trailer: the content size modulo 2^32 (-1 when unreadable). */
async function gzipSize(path: string, size: number): Promise<number> {
  if (size < 18) return -1;
  const fh = await fsp.open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, size - 4);
    return b.readUInt32LE(0);
  } finally {
    await fh.close();
  }
}

/** The files next to `path` whose names look like its rotated generations. */
export async function listSiblings(path: string): Promise<Sibling[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const out: Sibling[] = [];
  for (const name of names) {
    if (rotatedSuffix(base, name) === null) continue;
    const p = join(dir, name);
    try {
      const st = await fsp.stat(p);
      if (!st.isFile()) continue;
      const compression = compressionOf(name);
      let head: Buffer = Buffer.alloc(0);
      let contentSize = -1;
      if (compression === null) {
        const fh = await fsp.open(p, 'r');
        try {
          const b = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
          head = b.subarray(0, (await fh.read(b, 0, b.length, 0)).bytesRead);
        } finally {
          await fh.close();
        }
        contentSize = st.size;
      } else if (compression === 'gz') {
        head = await gunzipHead(p, HEAD_BYTES);
        contentSize = await gzipSize(p, st.size);
      }
      out.push({ name, inode: inodeKey(st), size: st.size, mtimeMs: st.mtimeMs, compression, head: head.toString('hex'), contentSize, readable: compression === null || compression === 'gz' });
    } catch {
      // gone meanwhile, or unreadable: not a candidate
    }
  }
  return out;
}

/**
 * Opens a listed generation, making sure it is the same file (by inode) even if it was renamed
 * again since the listing (error.log.1 -> error.log.2). Null when it is gone.
 */
export async function openGeneration(path: string, s: Sibling): Promise<FileHandle | null> {
  const tryOpen = async (name: string): Promise<FileHandle | null> => {
    try {
      const fh = await fsp.open(join(dirname(path), name), 'r');
      if (inodeKey(await fh.stat()) === s.inode) return fh;
      await fh.close();
    } catch {
      // gone, or unreadable
    }
    return null;
  };
  const fh = await tryOpen(s.name);
  if (fh) return fh;
  const moved = (await listSiblings(path)).find((x) => x.inode === s.inode);
  return moved ? tryOpen(moved.name) : null;
}

/**
 * Hands the content of an open generation from `from` on to `sink` (plain: up to its current end;
 * gzip: decompressed), waiting for each returned promise (a slow consumer). Resolves with the
 * offset reached in the content; rejects when it cannot be read.
 */
export async function readGeneration(fh: FileHandle, s: Sibling, from: number, buf: Buffer, sink: (chunk: Buffer) => Promise<void>): Promise<number> {
  if (s.compression === null) {
    let off = from;
    for (;;) {
      const n = await fh.read(buf, 0, buf.length, off);
      if (n.bytesRead <= 0) return off;
      off += n.bytesRead;
      await sink(buf.subarray(0, n.bytesRead));
    }
  }
  const source = createReadStream('', { fd: fh, autoClose: false, start: 0, highWaterMark: 256 * 1024 });
  let skip = from;
  let off = 0;
  try {
    for await (const chunk of source.pipe(createGunzip()) as AsyncIterable<Buffer>) {
      off += chunk.length;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const c = skip ? chunk.subarray(skip) : chunk;
      skip = 0;
      await sink(c);
    }
  } finally {
    source.destroy();
  }
  return off;
}
