// Include resolution in the editor only reads inside allowed roots: the workspace folders, the
// configured conf prefix (nginxDoctor.confDir), the directory of the root config being analysed,
// and nginxDoctor.allowedIncludePaths. A config from an untrusted repository saying
// `include /home/me/.ssh/*;` or `include /etc/shadow;` therefore reads nothing outside them; the
// include is reported as unresolved, with the reason. Open editor buffers are always readable.
// The CLI does not use this: its user names the files.
import { resolve, sep } from 'node:path';
import type { Diagnostic, FileHost } from '../core/index';

export class GuardedHost implements FileHost {
  /** Paths that were refused (reported in include diagnostics). */
  readonly refused = new Set<string>();
  private readonly roots: string[];

  constructor(private readonly inner: FileHost, roots: readonly string[], private readonly isOpen: (path: string) => boolean) {
    this.roots = [...new Set(roots.filter(Boolean).map((r) => resolve(r)))];
  }

  allows(path: string): boolean {
    const p = resolve(path);
    return this.isOpen(path) || this.roots.some((r) => p === r || p.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  readFile(path: string): string | undefined {
    if (!this.allows(path)) {
      this.refused.add(path);
      return undefined;
    }
    return this.inner.readFile(path);
  }

  listDir(path: string): string[] | undefined {
    if (!this.allows(path)) {
      this.refused.add(path);
      return undefined;
    }
    return this.inner.listDir(path);
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

/** Rewrites "open() ... failed" include diagnostics of refused paths so they say why. */
export function explainRefusals(list: Diagnostic[], host: GuardedHost): Diagnostic[] {
  if (!host.refused.size) return list;
  return list.map((d) => {
    if (d.code !== 'include-not-found') return d;
    const m = /^open\(\) "(.*)" failed/.exec(d.message);
    if (!m || !host.refused.has(m[1]!)) return d;
    return {
      ...d,
      message: `include "${m[1]}" was not read: it is outside the workspace folders and the nginx conf prefix. Add its directory to "nginxDoctor.allowedIncludePaths" to check it`,
    };
  });
}
