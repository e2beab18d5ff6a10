#!/usr/bin/env node
// Writes docs/rules/README.md and the `nginxDoctor.rules` settings schema in package.json from the
// rule registry (server/src/core/checks/registry.ts, rendered by checks/rule-docs.ts). Run it
// after adding a rule or changing a rule's metadata; test/rules/rule-docs.test.ts fails until
// both files match. Usage: node scripts/gen-rule-docs.mjs [--check]
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const check = process.argv.includes('--check');

// the TypeScript sources, bundled in memory (the core has no dependencies)
const built = await esbuild.build({
  stdin: {
    contents: "export { RULES } from './server/src/core/checks/registry'; export { rulesReadme, rulesSettingSchema } from './server/src/core/checks/rule-docs';",
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
  logLevel: 'warning',
});
const { RULES, rulesReadme, rulesSettingSchema } = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`);

const readmePath = join(ROOT, 'docs', 'rules', 'README.md');
const pkgPath = join(ROOT, 'package.json');
const readme = rulesReadme(RULES);
const pkgText = readFileSync(pkgPath, 'utf8');
const pkg = JSON.parse(pkgText);
pkg.contributes.configuration.properties['nginxDoctor.rules'] = rulesSettingSchema(RULES);
const newPkg = `${JSON.stringify(pkg, null, 2)}\n`;

const stale = [];
if (readFileSync(readmePath, 'utf8') !== readme) stale.push('docs/rules/README.md');
if (pkgText !== newPkg) stale.push('package.json');
if (check) {
  if (stale.length) {
    console.error(`gen-rule-docs: out of date: ${stale.join(', ')} (run node scripts/gen-rule-docs.mjs)`);
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, readme);
  writeFileSync(pkgPath, newPkg);
  console.log(`gen-rule-docs: ${RULES.length} rules; ${stale.length ? `wrote ${stale.join(', ')}` : 'nothing changed'}`);
}
