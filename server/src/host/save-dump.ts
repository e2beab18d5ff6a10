// Saves the deployed config (core/workspace/nginx-dump.ts) as read-only copies under a directory,
// so an editor can open the files a report links to. Copies replace what is at their name (never
// written through a link planted there).
import { mkdirSync } from 'node:fs';
import { replaceFile } from './safe-write';
import { dirname, join, posix } from 'node:path';
import type { DumpedConfig } from '../core/index';

/** Writes read-only copies under dir (dir + the server path); returns server path -> local path. */
export function saveDump(d: DumpedConfig, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, text] of d.files) {
    const norm = posix.normalize(p);
    if (!norm.startsWith('/') || norm.split('/').includes('..')) continue;
    const local = join(dir, ...norm.split('/').filter(Boolean));
    try {
      mkdirSync(dirname(local), { recursive: true });
      // a new file renamed over the old copy: whatever is at the name (a planted link) is replaced, not followed
      replaceFile(local, text, 0o444);
      out.set(p, local);
    } catch {
      // a copy that cannot be written only loses its link
    }
  }
  return out;
}
