// The layer rules of docs/architecture.md, checked on every import of server/src and client/src
// (static, dynamic and require, as TypeScript's own pre-processor reads them):
//   core      imports nothing outside core (no Node built-ins; one pure-JS package, re2js)
//   protocol  imports nothing (names and message types shared with the client)
//   host      core only, plus Node built-ins (files)
//   remote    core only, plus Node built-ins (processes, ssh, records)
//   tail      core, host, remote, protocol
//   doctor    core, host, remote, protocol
//   metrics   core, protocol, plus prom-client (the Prometheus exporter's counters and endpoint)
//   lsp, cli  leaves: they use the layers below, nothing but the entry points imports them
//   client    protocol and webview (the message types) only (plus vscode, vscode-languageclient, Node built-ins)
//   webview   protocol only, no packages: the page scripts run in the browser
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { REPO } from '../helpers/repo';

type Layer = 'core' | 'protocol' | 'version' | 'host' | 'remote' | 'tail' | 'doctor' | 'metrics' | 'lsp' | 'cli' | 'entry' | 'client' | 'webview';

interface LayerRule {
  /** Layers this one may import (itself always). */
  may: Layer[];
  /** Packages (not relative paths) it may import; "node:" means Node built-ins. */
  packages: RegExp | null;
}

const NODE = /^node:/;
export const LAYER_RULES: Record<Layer, LayerRule> = {
  // re2js: a pure-JavaScript, linear-time regex engine (no Node built-ins), for hostile patterns (match/pcre.ts)
  core: { may: [], packages: /^re2js$/ },
  protocol: { may: [], packages: null },
  // server/src/version.ts (and the package.json it reads the version from)
  version: { may: [], packages: null },
  host: { may: ['core'], packages: NODE },
  remote: { may: ['core'], packages: NODE },
  tail: { may: ['core', 'host', 'remote', 'protocol'], packages: NODE },
  doctor: { may: ['core', 'host', 'remote', 'protocol'], packages: NODE },
  // prom-client: the Prometheus client library (counters, registry, text exposition format)
  metrics: { may: ['core', 'protocol'], packages: /^(node:|prom-client$)/ },
  lsp: { may: ['core', 'host', 'remote', 'protocol', 'version'], packages: /^(node:|vscode-languageserver(-textdocument)?(\/node)?$)/ },
  cli: { may: ['core', 'host', 'remote', 'tail', 'doctor', 'metrics', 'protocol', 'version'], packages: NODE },
  // server/src/main.ts and server/src/cli.ts: they start the language server and the CLI
  entry: { may: ['lsp', 'cli', 'protocol', 'version'], packages: NODE },
  client: { may: ['protocol', 'webview'], packages: /^(node:|vscode$|vscode-languageclient(\/node)?$)/ },
  // client/webview: the page scripts (bundled for the browser) and the messages they exchange with client/src
  webview: { may: ['protocol'], packages: null },
};

/** The layer of a repository-relative path, or null when it is outside the checked trees. */
export function layerOf(rel: string): Layer | null {
  const parts = rel.split('/');
  if (parts[0] === 'client' && parts[1] === 'src') return 'client';
  if (parts[0] === 'client' && parts[1] === 'webview') return 'webview';
  const noExt = rel.replace(/\.(ts|json)$/, '');
  if (noExt === 'package' || noExt === 'server/src/version') return 'version';
  if (parts[0] !== 'server' || parts[1] !== 'src') return null;
  if (parts.length === 3) return 'entry';
  const dir = parts[2]!;
  return dir in LAYER_RULES && !['entry', 'client', 'webview', 'version'].includes(dir) ? (dir as Layer) : null;
}

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

/** Every import that breaks a rule; files: repository-relative path -> source text. */
export function layerViolations(files: Map<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    if (!from) {
      out.push({ file, imports: '', why: 'the file is in no layer (add its directory to LAYER_RULES and docs/architecture.md)' });
      continue;
    }
    const rule = LAYER_RULES[from];
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const spec = ref.fileName;
      if (!spec.startsWith('.')) {
        if (!rule.packages?.test(spec)) out.push({ file, imports: spec, why: `${from} may not import the package "${spec}"` });
        continue;
      }
      const target = relative('.', join(dirname(file), spec)).split('\\').join('/');
      const to = layerOf(target);
      if (to === from) continue;
      if (!to || !rule.may.includes(to)) {
        out.push({ file, imports: target, why: `${from} may import only ${[from, ...rule.may].join(', ')}, not ${to ?? target}` });
      }
    }
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir)).sort().flatMap((e) => {
    const rel = `${dir}/${e}`;
    if (statSync(join(REPO, rel)).isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

test('every import of server/src and client/ keeps the layer rules', () => {
  const files = new Map([...sources('server/src'), ...sources('client/src'), ...sources('client/webview')].map((f) => [f, readFileSync(resolve(REPO, f), 'utf8')]));
  assert.ok(files.size > 100, `only ${files.size} source files found`);
  const bad = layerViolations(files);
  assert.deepEqual(bad.map((v) => `${v.file} -> ${v.imports}: ${v.why}`), []);
});

test('the checker reports forbidden imports (core -> host, tail -> doctor, client -> server, a package in core)', () => {
  const files = new Map([
    ['server/src/core/logs/x.ts', "import { DiskHost } from '../../host/disk-host';\nimport type { A } from '../util/path';"],
    ['server/src/tail/y.ts', "import { runDoctor } from '../doctor/run';\nimport { lineOf } from '../core/index';"],
    ['server/src/doctor/z.ts', "const m = require('../cli/match');"],
    ['server/src/remote/w.ts', "export { x } from '../lsp/server';"],
    ['client/src/v.ts', "import { Model } from '../../server/src/core/index';\nimport * as vscode from 'vscode';"],
    ['client/webview/r.ts', "import * as vscode from 'vscode';\nimport { openPlace } from '../src/open-place';\nimport type { TailEvent } from '../../server/src/protocol/protocol';"],
    ['server/src/core/u.ts', "import { readFileSync } from 'node:fs';"],
    ['server/src/host/t.ts', "const p = import('../tail/engine');"],
    ['server/src/extra/s.ts', ''],
  ]);
  assert.deepEqual(layerViolations(files).map((v) => `${v.file} -> ${v.imports}`), [
    'server/src/core/logs/x.ts -> server/src/host/disk-host',
    'server/src/tail/y.ts -> server/src/doctor/run',
    'server/src/doctor/z.ts -> server/src/cli/match',
    'server/src/remote/w.ts -> server/src/lsp/server',
    'client/src/v.ts -> server/src/core/index',
    'client/webview/r.ts -> vscode',
    'client/webview/r.ts -> client/src/open-place',
    'server/src/core/u.ts -> node:fs',
    'server/src/host/t.ts -> server/src/tail/engine',
    'server/src/extra/s.ts -> ',
  ]);
});
