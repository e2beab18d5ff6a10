// @ts-check
// Bundles the extension, the language server, the CLI and the webview page scripts into dist/.
// Type-checking is `tsc -b`.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// the webview page scripts (client/webview/<view>.ts), for the browser, one file each
const pages = {
  entryPoints: ['client/webview/explain.ts', 'client/webview/tail.ts', 'client/webview/check-server.ts'],
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
};

const contexts = await Promise.all([...builds.map((b) => esbuild.context({ ...common, ...b })), esbuild.context({ ...common, ...pages })]);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
