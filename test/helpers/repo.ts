// Paths of the repository for tests compiled to out/test/**.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/out') || existsSync(join(dir, 'tsbuildinfo'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export const REPO = findRoot();
export const FIXTURES = join(REPO, 'test', 'fixtures');
export const CLI = join(REPO, 'dist', 'cli.js');
export const SERVER = join(REPO, 'dist', 'server.js');
