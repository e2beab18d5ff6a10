// Writes a changed config back to disk without ever writing through a link or losing data:
// - a symlinked config (sites-enabled -> sites-available) is written at its real path; the link
//   stays a link;
// - the new bytes go to an unpredictable temp file in the same directory, created exclusively
//   (O_CREAT|O_EXCL|O_NOFOLLOW, so a planted file or link at that name fails the write instead of
//   being followed), with the original's owner, group and mode, fsync'd, then renamed over the
//   file (and the directory fsync'd);
// - a file with several hard links is rewritten in place through one descriptor, so the names
//   stay one file; so is a file whose owner this process cannot give the temp file;
// - a file that changed on disk since it was read (other identity, size, mtime or bytes) or that
//   is read-only is not written, with a message saying why.
import {
  closeSync, constants, fchmodSync, fchownSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readSync,
  realpathSync, renameSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** What was read, to refuse writing over a file that changed since. */
export interface FileSnapshot {
  bytes: Buffer;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export type WriteResult =
  | { ok: true; path: string; how: 'replaced' | 'in place'; note?: string }
  | { ok: false; message: string };

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function writeFileSafely(path: string, bytes: Buffer, snapshot: FileSnapshot): WriteResult {
  let real: string;
  let st: Stats;
  try {
    real = realpathSync(path);
    st = lstatSync(real);
  } catch (e) {
    return { ok: false, message: `cannot write "${path}": ${errText(e)}` };
  }
  if (!st.isFile()) return { ok: false, message: `cannot write "${path}": it is not a regular file` };
  const changed = differs(st, real, snapshot);
  if (changed) return { ok: false, message: `"${path}" changed on disk since nginx-doctor read it (${changed}); not written. Run fix again` };
  if ((st.mode & 0o222) === 0) {
    return { ok: false, message: `"${path}" is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}); not written. Make it writable first, or use --dry-run` };
  }
  const linkNote = real !== path && lstatSafe(path)?.isSymbolicLink() ? `${path} is a link: wrote its target ${real}` : undefined;
  if (st.nlink > 1) {
    const r = writeInPlace(real, bytes, snapshot);
    return r.ok ? { ...r, path: real, note: [linkNote, `${path} has ${st.nlink} hard links: edited in place so they stay one file`].filter(Boolean).join('; ') } : r;
  }
  const r = replace(real, bytes, st, snapshot);
  if (r === 'owner') {
    // the temp file cannot get the original's owner: rewrite in place, which keeps it
    const ip = writeInPlace(real, bytes, snapshot);
    return ip.ok ? { ...ip, path: real, ...(linkNote ? { note: linkNote } : {}) } : ip;
  }
  return r.ok ? { ...r, path: real, ...(linkNote ? { note: linkNote } : {}) } : r;
}

function lstatSafe(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Why the file at `real` is not the one that was read, or '' when it is. */
function differs(st: Stats, real: string, snap: FileSnapshot): string {
  if (st.dev !== snap.dev || st.ino !== snap.ino) return 'it was replaced by another file';
  if (st.size !== snap.size || st.mtimeMs !== snap.mtimeMs) return 'its size or modification time changed';
  let fd: number | undefined;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    return sameBytes(fd, snap.bytes) ? '' : 'its contents changed';
  } catch (e) {
    return `it cannot be read again: ${errText(e)}`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sameBytes(fd: number, expected: Buffer): boolean {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, expected.length + 1));
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return pos === expected.length;
    if (pos + n > expected.length || buf.compare(expected, pos, pos + n, 0, n) !== 0) return false;
    pos += n;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, off);
}

function replace(real: string, bytes: Buffer, st: Stats, snap: FileSnapshot): WriteResult | 'owner' {
  const dir = dirname(real);
  const tmp = join(dir, `.${basename(real)}.nginx-doctor-${randomBytes(9).toString('hex')}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    created = true;
    const made = fstatSync(fd);
    if (made.uid !== st.uid || made.gid !== st.gid) {
      try {
        fchownSync(fd, st.uid, st.gid);
      } catch {
        closeSync(fd);
        fd = undefined;
        unlinkSync(tmp);
        created = false;
        return 'owner';
      }
    }
    writeAll(fd, bytes);
    fchmodSync(fd, st.mode & 0o7777); // after chown, which clears set-id bits
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // the last look before the rename: the file must still be the one that was read
    const now = lstatSync(real);
    const changed = differs(now, real, snap);
    if (changed) {
      unlinkSync(tmp);
      created = false;
      return { ok: false, message: `"${real}" changed on disk while nginx-doctor was writing it (${changed}); not written. Run fix again` };
    }
    renameSync(tmp, real);
    created = false;
    syncDir(dir);
    return { ok: true, path: real, how: 'replaced' };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
    return { ok: false, message: `cannot write "${real}": ${errText(e)}` };
  }
}

/**
 * Puts a file at `path` with these bytes and mode, never writing through what is there now (a link
 * planted at the name is replaced, not followed): an exclusive temp file in the same directory,
 * renamed over the name. For copies nginx-doctor owns (doctor --save-config); throws on failure.
 */
export function replaceFile(path: string, bytes: Buffer | string, mode: number): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.nginx-doctor-${randomBytes(9).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeAll(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // some file systems cannot fsync a directory; the rename itself has happened
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Rewrites the file through one descriptor (hard links and owner kept). */
function writeInPlace(real: string, bytes: Buffer, snap: FileSnapshot): WriteResult {
  let fd: number | undefined;
  try {
    fd = openSync(real, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.dev !== snap.dev || st.ino !== snap.ino || st.size !== snap.size || st.mtimeMs !== snap.mtimeMs || !sameBytes(fd, snap.bytes)) {
      return { ok: false, message: `"${real}" changed on disk since nginx-doctor read it; not written. Run fix again` };
    }
    writeAll(fd, bytes);
    ftruncateSync(fd, bytes.length);
    fsyncSync(fd);
    return { ok: true, path: real, how: 'in place' };
  } catch (e) {
    return { ok: false, message: `cannot write "${real}": ${errText(e)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
