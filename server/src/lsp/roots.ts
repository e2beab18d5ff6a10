// Finds the root configs in the workspace folders: files named nginx.conf, or config files whose
// top level opens an events/http/stream/mail block. Bounded, so a huge folder cannot stall the server,
// and each directory and file is visited once (by device and inode), so links back up the tree
// (`a -> .`) do not multiply the walk or make one nginx.conf thousands of roots; a link that leads out
// of the workspace folders is not followed (not even to look at the file).
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { insideRoots, realPath } from './include-guard';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'out', 'dist', '.vscode-test', 'test-artifacts']);
const CANDIDATE = /(^nginx\.conf$|\.conf$|\.nginx$|\.conf\.template$)/;
const ROOT_TEXT = /^[ \t]*(events|http|stream|mail)[ \t\r\n]*\{/m;
const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 10;
const MAX_BYTES = 2 * 1024 * 1024;

export function findRootConfigs(folders: readonly string[]): string[] {
  const out: string[] = [];
  const realFolders = folders.map((f) => realPath(f));
  let budget = MAX_ENTRIES;
  const seen = new Set<string>();
  const once = (st: { dev: number; ino: number }): boolean => {
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  const visit = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || budget <= 0) return;
    try {
      if (!once(statSync(dir))) return;
    } catch {
      return;
    }
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (--budget <= 0) return;
      const p = join(dir, name);
      let st;
      try {
        if (lstatSync(p).isSymbolicLink() && !insideRoots(realPath(p), realFolders)) continue;
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) visit(p, depth + 1);
      } else if (st.isFile() && CANDIDATE.test(name) && st.size <= MAX_BYTES && once(st) && isRoot(p, name)) {
        out.push(p);
      }
    }
  };
  for (const f of folders) visit(f, 0);
  return out;
}

function isRoot(path: string, name: string): boolean {
  if (name === 'nginx.conf') return true;
  try {
    return ROOT_TEXT.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}
