// The deployed config, as `nginx -T` prints it on the server: every file nginx loaded, each after
// a "# configuration file PATH:" line (nginx.c writes the header, the file's bytes, then one
// newline). Turned into an in-memory FileHost so the core can build the same ConfigSet it builds
// from disk, with the server's own paths; optionally saved as read-only copies so an editor can
// open them.
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { buildConfigSet, defaultCatalog, type ConfigSet, type FileHost } from '../core/index';

export interface DumpedConfig {
  /** The main config (the first file nginx -T prints). */
  root: string;
  files: Map<string, string>;
}

const HEADER = /^# configuration file (.+):$/;

export function parseNginxDump(text: string): DumpedConfig | null {
  const lines = text.split('\n');
  const files = new Map<string, string>();
  let root: string | null = null;
  let cur: string | null = null;
  let body: string[] = [];
  const close = (): void => {
    if (cur === null) return;
    // nginx adds one "\n" after each file's bytes
    let t = body.join('\n');
    if (t.endsWith('\n')) t = t.slice(0, -1);
    files.set(cur, t);
  };
  for (const line of lines) {
    const m = HEADER.exec(line);
    if (m && m[1]!.startsWith('/')) {
      close();
      cur = m[1]!;
      root ??= cur;
      body = [];
    } else if (cur !== null) body.push(line);
  }
  close();
  return root ? { root, files } : null;
}

export class MemoryHost implements FileHost {
  private readonly dirs = new Map<string, Set<string>>();
  constructor(private readonly files: Map<string, string>) {
    for (const p of files.keys()) {
      let child = p;
      for (let d = posix.dirname(p); ; d = posix.dirname(d)) {
        let set = this.dirs.get(d);
        if (!set) this.dirs.set(d, (set = new Set()));
        set.add(posix.basename(child));
        if (d === '/' || d === '.') break;
        child = d;
      }
    }
  }
  readFile(path: string): string | undefined {
    return this.files.get(path);
  }
  listDir(path: string): string[] | undefined {
    const s = this.dirs.get(path.replace(/\/+$/, '') || '/');
    return s ? [...s].sort() : undefined;
  }
  isDirectory(path: string): boolean {
    return this.dirs.has(path.replace(/\/+$/, '') || '/');
  }
  exists(path: string): boolean {
    return this.files.has(path) || this.isDirectory(path);
  }
}

export function configSetFromDump(d: DumpedConfig): ConfigSet {
  return buildConfigSet(d.root, { host: new MemoryHost(d.files), catalog: defaultCatalog(), confDir: posix.dirname(d.root) });
}

/** Writes read-only copies under dir (dir + the server path); returns server path -> local path. */
export function saveDump(d: DumpedConfig, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, text] of d.files) {
    const norm = posix.normalize(p);
    if (!norm.startsWith('/') || norm.split('/').includes('..')) continue;
    const local = join(dir, ...norm.split('/').filter(Boolean));
    try {
      mkdirSync(dirname(local), { recursive: true });
      try {
        chmodSync(local, 0o644);
      } catch {
        // new file
      }
      writeFileSync(local, text);
      chmodSync(local, 0o444);
      out.set(p, local);
    } catch {
      // a copy that cannot be written only loses its link
    }
  }
  return out;
}
