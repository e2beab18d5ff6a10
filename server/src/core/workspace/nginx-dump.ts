// The deployed config, as `nginx -T` prints it on the server: every file nginx loaded, each after
// a "# configuration file PATH:" line (nginx.c writes the header, the file's bytes, then one
// newline). Turned into an in-memory FileHost so the core can build the same ConfigSet it builds
// from disk, with the server's own paths (host/save-dump.ts saves read-only copies an editor can
// open).
import { defaultCatalog } from '../catalog/default-catalog';
import { dirname } from '../util/path';
import { MemoryHost } from './memory-host';
import { buildConfigSet, type ConfigSet } from './config-set';

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

export function configSetFromDump(d: DumpedConfig): ConfigSet {
  return buildConfigSet(d.root, { host: new MemoryHost(d.files), catalog: defaultCatalog(), confDir: dirname(d.root) });
}
