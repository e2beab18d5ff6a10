// Writes a tree of files into a fresh temporary directory and removes it afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempTree(files: Record<string, string>): { dir: string; path: (rel: string) => string; write: (rel: string, text: string) => void; remove: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-')));
  const write = (rel: string, text: string): void => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { dir, path: (rel) => join(dir, rel), write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
