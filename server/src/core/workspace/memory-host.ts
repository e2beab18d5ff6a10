// A FileHost over a map of path -> text: the deployed config printed by `nginx -T`, and tests.
import type { FileHost } from '../host';
import { basename, dirname } from '../util/path';

export class MemoryHost implements FileHost {
  private readonly dirs = new Map<string, Set<string>>();
  constructor(private readonly files: Map<string, string>) {
    for (const p of files.keys()) {
      let child = p;
      for (let d = dirname(p); ; d = dirname(d)) {
        let set = this.dirs.get(d);
        if (!set) this.dirs.set(d, (set = new Set()));
        set.add(basename(child));
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
