// Runs the compiled tests (out/test/<tier>/**/*.test.js) in one `node --test` run, so the
// runner's closing summary counts every test. Usage: node scripts/run-tests.mjs [tier ...]
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ALL_TIERS = ['unit', 'fuzz', 'hardening', 'rules', 'cli', 'lsp', 'differential', 'oracle', 'layouts', 'tail', 'doctor', 'metrics', 'e2e'];
// "--cases N" and "--seed N" (for the oracle tier) travel to the tests as environment variables
const argv = process.argv.slice(2);
for (const opt of ['cases', 'seed']) {
  const i = argv.indexOf(`--${opt}`);
  if (i >= 0) {
    process.env[`NGINX_DOCTOR_ORACLE_${opt.toUpperCase()}`] = argv[i + 1] ?? '';
    argv.splice(i, 2);
  }
}
const tiers = argv.length ? argv : ALL_TIERS;

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
