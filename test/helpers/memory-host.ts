// An in-memory FileHost for unit tests: { "/abs/path": "text" }.
import type { FileHost } from '../../server/src/core/index';

export function memoryHost(files: Record<string, string>): FileHost {
  const paths = Object.keys(files);
  const isDir = (p: string): boolean => paths.some((f) => f.startsWith(p.endsWith('/') ? p : p + '/'));
  return {
    readFile: (p) => files[p],
    isDirectory: isDir,
    listDir: (p) => {
      if (!isDir(p)) return undefined;
      const prefix = p.endsWith('/') ? p : p + '/';
      return [...new Set(paths.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0]!))];
    },
  };
}
