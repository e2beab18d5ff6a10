// Every file the language server reads goes through a GuardedHost: only paths inside allowed roots
// are read (the workspace folders, the configured conf prefix nginxDoctor.confDir, the directory
// of the root config being analysed, and nginxDoctor.allowedIncludePaths). A config from an
// untrusted repository saying `include /home/me/.ssh/*;` or `include /etc/shadow;` therefore
// reads nothing outside them; the include is reported as unresolved, with the reason. The check
// compares real paths (symlinks resolved) of the target and of every root, so a link inside the
// workspace (`keys -> /secret`, `users.conf -> /etc/passwd`) does not lead out of it. Open editor
// buffers are always readable (the user opened them). The CLI does not use this: its user names
// the files.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Diagnostic, FileHost } from '../core/index';

/**
 * The real path of p: symlinks resolved; for a path that does not exist (yet), the real path of
 * its nearest existing ancestor with the rest appended.
 */
export function realPath(p: string, memo?: Map<string, string>): string {
  const abs = resolve(p);
  const hit = memo?.get(abs);
  if (hit !== undefined) return hit;
  let out: string;
  try {
    out = realpathSync.native(abs);
  } catch {
    const parent = dirname(abs);
    out = parent === abs ? abs : join(realPath(parent, memo), basename(abs));
  }
  memo?.set(abs, out);
  return out;
}

/** True when path lies in one of the (real) roots. */
export function insideRoots(realTarget: string, realRoots: readonly string[]): boolean {
  return realRoots.some((r) => realTarget === r || realTarget.startsWith(r.endsWith(sep) ? r : r + sep));
}

export class GuardedHost implements FileHost {
  /** Paths that were refused (reported in include diagnostics), with their real path when it differs. */
  readonly refused = new Map<string, string>();
  private readonly roots: string[];
  private readonly memo = new Map<string, string>();

  constructor(private readonly inner: FileHost, roots: readonly string[], private readonly isOpen: (path: string) => boolean) {
    this.roots = [...new Set(roots.filter(Boolean).map((r) => realPath(r, this.memo)))];
  }

  allows(path: string): boolean {
    return this.isOpen(path) || insideRoots(realPath(path, this.memo), this.roots);
  }

  private refuse(path: string): undefined {
    this.refused.set(path, realPath(path, this.memo));
    return undefined;
  }

  readFile(path: string): string | undefined {
    return this.allows(path) ? this.inner.readFile(path) : this.refuse(path);
  }

  listDir(path: string): string[] | undefined {
    return this.allows(path) ? this.inner.listDir(path) : this.refuse(path);
  }

  isDirectory(path: string): boolean {
    return this.allows(path) && this.inner.isDirectory(path);
  }

  identity(path: string): string | undefined {
    return this.allows(path) ? this.inner.identity?.(path) : undefined;
  }

  /** Existence only (unix sockets, trusted workspaces): nothing is read. */
  exists(path: string): boolean {
    return this.inner.exists?.(path) ?? false;
  }
}

/**
 * Include diagnostics of refused paths say why, as information once on the include line: the file
 * is outside the workspace and was not read (that refusal is right; it is no error in the config).
 */
export function explainRefusals(list: Diagnostic[], host: GuardedHost): Diagnostic[] {
  if (!host.refused.size) return list;
  const allow = 'add its folder to "nginxDoctor.allowedIncludePaths" to read it';
  return list.map((d) => {
    if (d.code !== 'include-not-found') return d;
    const m = /^open\(\) "(.*)" failed/.exec(d.message) ?? /^"(.*)" was not read; nginx-doctor assumes (Debian's standard \S+)/.exec(d.message);
    const real = m ? host.refused.get(m[1]!) : undefined;
    if (!m || real === undefined) return d;
    const link = real !== resolve(m[1]!) ? ` (a link to "${real}")` : '';
    const assumed = m[2] ? ` (${m[2]} is assumed)` : '';
    return { ...d, severity: 'info', message: `"${m[1]}"${link} is outside the workspace and was not read${assumed}; ${allow}` };
  });
}
