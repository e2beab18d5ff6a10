// The deployed config (`nginx -T` on a host) against the workspace's: which deployed file is the
// workspace's file of the same path relative to the root config's directory, and whether its
// text is the same. Used by the tail (a line of a host links to the workspace file when the host
// runs it unchanged, else to a read-only copy of the deployed text) and by the doctor's fleet summary.
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { DumpedConfig } from '../core/index';

/** The workspace file that stands for `path` on the server (same path relative to the root config's directory), or null. */
export function workspacePathOf(localRoot: string | null, serverRoot: string | null, path: string): string | null {
  if (!localRoot || !serverRoot || !path.startsWith('/')) return null;
  if (path === serverRoot) return localRoot;
  const rel = posix.relative(posix.dirname(serverRoot), path);
  return rel && !rel.startsWith('..') ? join(dirname(localRoot), ...rel.split('/')) : null;
}

const norm = (s: string): string[] => s.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');

/** 1-based number of the first line where a and b differ (trailing blanks ignored), or 0 when equal. */
export function firstDifference(a: string, b: string): number {
  const x = norm(a);
  const y = norm(b);
  let i = 0;
  while (i < x.length && i < y.length && x[i]!.trimEnd() === y[i]!.trimEnd()) i++;
  return i < x.length || i < y.length ? i + 1 : 0;
}

export interface DeployedFile {
  /** The workspace's file of the same relative path (null: none, e.g. outside the config directory). */
  local: string | null;
  /** 0 when the workspace file has the same text; else the first differing line (1-based); -1 when the workspace has no such file. */
  differsAt: number;
}

/** Every file of the dump, compared with the workspace's (localRoot: the workspace's root nginx.conf). */
export function compareDeployed(dump: DumpedConfig, localRoot: string | null): Map<string, DeployedFile> {
  const out = new Map<string, DeployedFile>();
  for (const [path, text] of dump.files) {
    const local = workspacePathOf(localRoot, dump.root, path);
    if (!local) {
      out.set(path, { local: null, differsAt: -1 });
      continue;
    }
    let mine: string;
    try {
      mine = readFileSync(local, 'utf8');
    } catch {
      out.set(path, { local, differsAt: -1 });
      continue;
    }
    out.set(path, { local, differsAt: firstDifference(text, mine) });
  }
  return out;
}

/** A folder name for one host's copies: the destination with anything but letters, digits, `. _ @ -` as `_`. */
export function hostFolder(dest: string): string {
  return dest.replace(/^ssh:\/\//, '').replace(/[^A-Za-z0-9._@-]/g, '_').replace(/^\.+/, '_') || '_';
}
