// Runs the in-host Mocha suite (the *.suite.js files beside this one) inside a VS Code extension
// host. Two entry points:
//   - runToFile(path): used by the test-only extension (test/e2e/host-extension) under code-server;
//     writes the results as JSON (atomically) for the e2e harness to read.
//   - run(): the `extensionTestsPath` contract of @vscode/test-electron; rejects when a test fails.
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type MochaType from 'mocha';

export interface HostTestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface HostSuiteResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: HostTestResult[];
  /** Set when the suite could not run at all. */
  error?: string;
}

export async function runSuite(): Promise<HostSuiteResults> {
  // Mocha is loaded from the repository's node_modules (this file stays in the repository).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as typeof MochaType;
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.suite.js')).sort()) mocha.addFile(join(__dirname, f));
  const started = Date.now();
  const tests: HostTestResult[] = [];
  await new Promise<void>((resolve) => {
    // run() loads the files with require(), so their `require('vscode')` reaches the host's API.
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: unknown) => {
      const e = err instanceof Error ? err.stack ?? err.message : String(err);
      tests.push({ title: t.fullTitle(), state: 'failed', error: e, durationMs: t.duration ?? 0 });
    });
  });
  const count = (s: HostTestResult['state']): number => tests.filter((t) => t.state === s).length;
  return { passed: count('passed'), failed: count('failed'), pending: count('pending'), durationMs: Date.now() - started, tests };
}

export async function runToFile(path: string): Promise<HostSuiteResults> {
  let results: HostSuiteResults;
  try {
    results = await runSuite();
  } catch (e) {
    results = { passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [], error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${path}.tmp`, path);
  return results;
}

/** @vscode/test-electron calls this inside the extension host it starts. */
export async function run(): Promise<void> {
  const results = await runSuite();
  if (results.failed > 0 || results.passed === 0) {
    throw new Error(`${results.failed} of ${results.tests.length} in-host tests failed`);
  }
}
