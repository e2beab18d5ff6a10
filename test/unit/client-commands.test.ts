// The command ids of client/src/constants.ts (the command table in commands.ts has one entry per
// id: its type says so) are the commands package.json contributes, and the other ids given to
// VS Code are the ones it declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, VIEWS } from '../../client/src/constants';
import { REPO } from '../helpers/repo';

interface Manifest {
  activationEvents?: string[];
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;

test('package.json contributes every command of the table, and no other', () => {
  const internal = new Set<string>([COMMANDS.openConfigPlace]);
  const ids = Object.values(COMMANDS).filter((id) => !internal.has(id)).sort();
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), ids);
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const i of items) assert.ok(ids.includes(i.command as never), `menu ${menu} names ${i.command}, which is not a command`);
  }
});

test('every webview page script is one esbuild builds', () => {
  const build = readFileSync(join(REPO, 'esbuild.mjs'), 'utf8');
  for (const v of Object.values(VIEWS)) assert.ok(build.includes(`client/webview/${v.script.replace(/\.js$/, '.ts')}`), `esbuild.mjs bundles client/webview/${v.script.replace(/\.js$/, '.ts')}`);
});
