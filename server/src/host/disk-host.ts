// The FileHost over the real disk, shared by the CLI, the language server, tail and doctor. Bytes
// that are not valid UTF-8 are kept as escapes (bytes.ts), never replaced, so a fix writes them
// back. A missing path is an answer (undefined, false), not an exception: statSync with
// throwIfNoEntry false, so a config with many missing includes does not build an Error per lookup.
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { FileHost } from '../core/index';
import { decodeBytes } from './bytes';
import type { FileSnapshot } from './safe-write';

const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class DiskHost implements FileHost {
  /** `onRead` sees the bytes and identity of every file read (the CLI's fix keeps them). */
  constructor(private readonly onRead?: (path: string, snapshot: FileSnapshot) => void) {}

  readFile(path: string): string | undefined {
    let fd: number | undefined;
    try {
      const pre = statSync(path, { throwIfNoEntry: false });
      if (!pre || !pre.isFile() || pre.size > MAX_FILE_BYTES) return undefined;
      // one descriptor for the identity and the bytes; O_NONBLOCK: a FIFO swapped in must not block
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      const st = fstatSync(fd);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
      const bytes = readFileSync(fd);
      this.onRead?.(path, { bytes, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
      return decodeBytes(bytes);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  listDir(path: string): string[] | undefined {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  }

  isDirectory(path: string): boolean {
    try {
      return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      return false;
    }
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  identity(path: string): string | undefined {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.dev}:${st.ino}` : undefined;
  }
}

/** A host whose open documents (unsaved editor buffers) win over the disk. */
export class OverlayHost implements FileHost {
  constructor(
    private readonly disk: FileHost,
    private readonly overlay: (path: string) => string | undefined,
  ) {}

  readFile(path: string): string | undefined {
    return this.overlay(path) ?? this.disk.readFile(path);
  }

  listDir(path: string): string[] | undefined {
    return this.disk.listDir(path);
  }

  isDirectory(path: string): boolean {
    return this.disk.isDirectory(path);
  }

  exists(path: string): boolean {
    return this.overlay(path) !== undefined || (this.disk.exists?.(path) ?? false);
  }

  identity(path: string): string | undefined {
    return this.disk.identity?.(path);
  }
}
