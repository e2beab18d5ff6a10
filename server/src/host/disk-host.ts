// The FileHost over the real disk, shared by the CLI, the language server, tail and doctor. Bytes
// that are not valid UTF-8 are decoded with replacement characters, never a failure. A missing
// path is an answer (undefined, false), not an exception: statSync with throwIfNoEntry false, so
// a config with many missing includes does not build an Error per lookup.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { FileHost } from '../core/index';

const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class DiskHost implements FileHost {
  readFile(path: string): string | undefined {
    try {
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st || !st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
      return readFileSync(path).toString('utf8');
    } catch {
      return undefined;
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
}
