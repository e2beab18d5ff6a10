// An in-memory FileHost for unit tests: { "/abs/path": "text" }. The core's MemoryHost without
// `exists` (a host that cannot tell, so rules that check sockets stay quiet).
import { MemoryHost, type FileHost } from '../../server/src/core/index';

export function memoryHost(files: Record<string, string>): FileHost {
  const host = new MemoryHost(new Map(Object.entries(files)));
  return {
    readFile: (p) => host.readFile(p),
    isDirectory: (p) => host.isDirectory(p),
    listDir: (p) => host.listDir(p),
  };
}
