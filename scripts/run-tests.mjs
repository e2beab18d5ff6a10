// Runs the compiled tests (out/test/<tier>/**/*.test.js) in one `node --test` run, so the
// runner's closing summary counts every test. Usage: node scripts/run-tests.mjs [tier ...]
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ALL_TIERS = ['unit', 'rules', 'cli', 'lsp', 'differential', 'e2e'];
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : ALL_TIERS;

function collect(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((entry) => {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) return collect(p);
    return p.endsWith('.test.js') ? [p] : [];
  });
}

const files = tiers.flatMap((t) => collect(join('out', 'test', t)));
if (files.length === 0) {
  console.error(`run-tests: no compiled tests for ${tiers.join(', ')}; run "npm run typecheck" first`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
