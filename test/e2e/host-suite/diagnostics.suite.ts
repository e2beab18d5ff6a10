// In-host tests: run inside the extension host against the `vscode` API, on a copy of demo/ opened
// as the workspace folder. They wait on onDidChangeDiagnostics (with deadlines), never on sleeps.
// Set NGINX_DOCTOR_EXPECT_TRUST=trusted|restricted to also check the workspace trust state.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'nginx-doctor.nginx-doctor';
const SOURCE = 'nginx-doctor';
const DEADLINE_MS = 30_000;
/**
 * The rules these tests count. The demo also holds the classic 502 mistakes, which rules being
 * written now will report too; counting only these keeps the tests exact without breaking each
 * time a new rule lands.
 */
const TRACKED = new Set(['invalid-flag-value', 'include-not-found', 'unknown-directive', 'duplicate-default-server', 'unknown-variable']);

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the demo workspace folder is open');
  return folder.uri.fsPath;
}

const uriOf = (rel: string): vscode.Uri => vscode.Uri.file(join(workspaceDir(), rel));

function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && TRACKED.has(codeOf(d)));
}

function summary(list: vscode.Diagnostic[]): string[] {
  return list.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} [${codeOf(d)}] ${d.message}`);
}

/** Resolves with the (tracked) diagnostics of `uri` once `ready` holds for them; rejects after the deadline. */
function waitForDiagnostics(uri: vscode.Uri, ready: (d: vscode.Diagnostic[]) => boolean, what: string, ms = DEADLINE_MS): Promise<vscode.Diagnostic[]> {
  if (ready(ours(uri))) return Promise.resolve(ours(uri));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}; diagnostics of ${uri.fsPath}: ${JSON.stringify(summary(ours(uri)))}`));
    }, ms);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const list = ours(uri);
      if (!ready(list)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(list);
    });
  });
}

/** Polls a condition that has no event (extension activation) until it holds or the deadline passes. */
async function until(cond: () => boolean, what: string, ms = DEADLINE_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 0-based line of the first line of a workspace file that contains `needle`. */
function lineOf(rel: string, needle: string): number {
  const line = readFileSync(uriOf(rel).fsPath, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${rel} contains ${needle}`);
  return line;
}

const messages = (list: vscode.Diagnostic[]): string[] => list.map((d) => d.message).sort();

suite('nginx-doctor inside the extension host', () => {
  test('the extension activates when an nginx file opens', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const doc = await vscode.workspace.openTextDocument(uriOf('sites-enabled/shop.example.com'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'nginx', 'sites-enabled/* files get the nginx language');
    await until(() => ext.isActive, `${EXTENSION_ID} to activate`);
  });

  test('an enabled site opened alone is checked in the context of nginx.conf', async () => {
    // Only this site is open. Its duplicate default_server exists only next to admin.example.com,
    // which nginx.conf includes first; and $connection_upgrade is defined in conf.d/maps.conf.
    // Checked standalone, the file would get `unknown "connection_upgrade" variable` instead.
    const shop = uriOf('sites-enabled/shop.example.com');
    const list = await waitForDiagnostics(shop, (d) => d.length > 0, 'diagnostics of the shop site');
    assert.deepEqual(summary(list), [`${lineOf('sites-enabled/shop.example.com', 'listen 80 default_server') + 1}:5 [duplicate-default-server] a duplicate default server for 0.0.0.0:80`]);
    assert.equal(list[0]!.severity, vscode.DiagnosticSeverity.Error);
    const related = list[0]!.relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri.fsPath, uriOf('sites-enabled/admin.example.com').fsPath);
    assert.equal(related[0]!.message, 'first default server here');
    // The root was analysed: its own problems are published although it is not open.
    const root = await waitForDiagnostics(uriOf('nginx.conf'), (d) => d.length === 2, 'the two problems of nginx.conf');
    assert.deepEqual(root.map(codeOf).sort(), ['include-not-found', 'invalid-flag-value']);
  });

  test('a site that no root includes is checked alone, as if inside http { }', async () => {
    const rel = 'sites-available/shop.example.com';
    const doc = await vscode.workspace.openTextDocument(uriOf(rel));
    await vscode.window.showTextDocument(doc);
    const list = await waitForDiagnostics(uriOf(rel), (d) => d.length > 0, 'diagnostics of the sites-available copy');
    assert.deepEqual(summary(list), [`${lineOf(rel, 'Connection $connection_upgrade') + 1}:37 [unknown-variable] unknown "connection_upgrade" variable`]);
  });

  test('nginx.conf shows its structural problems in nginx\'s words, with rule ids', async () => {
    const doc = await vscode.workspace.openTextDocument(uriOf('nginx.conf'));
    await vscode.window.showTextDocument(doc);
    const list = await waitForDiagnostics(uriOf('nginx.conf'), (d) => d.length === 2, 'the two problems of nginx.conf');
    assert.deepEqual(summary(list).sort(), [
      `${lineOf('nginx.conf', 'gzip yes;') + 1}:10 [invalid-flag-value] invalid value "yes" in "gzip" directive, it must be "on" or "off"`,
      `${lineOf('nginx.conf', 'include snippets/security-headers.conf') + 1}:13 [include-not-found] open() "${join(workspaceDir(), 'snippets/security-headers.conf')}" failed (2: No such file or directory)`,
    ].sort());
    assert.ok(list.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
    // Files of the include graph get theirs too, without being opened.
    const admin = await waitForDiagnostics(uriOf('sites-enabled/admin.example.com'), (d) => d.length === 1, 'the typo in admin.example.com');
    assert.deepEqual(summary(admin), [`${lineOf('sites-enabled/admin.example.com', 'proxy_pas ') + 1}:9 [unknown-directive] unknown directive "proxy_pas"; did you mean "proxy_pass"?`]);
  });

  test('an edit updates the diagnostics; undoing it brings them back', async () => {
    const uri = uriOf('sites-enabled/admin.example.com');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [typo] = await waitForDiagnostics(uri, (d) => d.length === 1, 'the typo in admin.example.com');
    assert.equal(doc.getText(typo!.range), 'proxy_pas');

    const fix = new vscode.WorkspaceEdit();
    fix.replace(uri, typo!.range, 'proxy_pass');
    assert.ok(await vscode.workspace.applyEdit(fix));
    await waitForDiagnostics(uri, (d) => d.length === 0, 'the typo diagnostic to disappear after the fix');
    assert.equal(messages(ours(uriOf('nginx.conf'))).length, 2, 'other files keep their diagnostics');

    const undo = new vscode.WorkspaceEdit();
    undo.replace(uri, new vscode.Range(typo!.range.start, typo!.range.start.translate(0, 'proxy_pass'.length)), 'proxy_pas');
    assert.ok(await vscode.workspace.applyEdit(undo));
    const back = await waitForDiagnostics(uri, (d) => d.length === 1, 'the typo diagnostic to come back');
    assert.match(back[0]!.message, /^unknown directive "proxy_pas"/);

    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.isDirty, false, 'the document is back to its saved state');
  });

  test('workspace trust is what the runner asked for', function () {
    const expected = process.env.NGINX_DOCTOR_EXPECT_TRUST;
    if (expected !== 'trusted' && expected !== 'restricted') return this.skip();
    assert.equal(vscode.workspace.isTrusted, expected === 'trusted');
  });
});
