// "Nginx: Show Effective Settings": the effective proxy/fastcgi/grpc timeouts, retries, buffers,
// keepalive, HTTP version, headers and TLS of the location under the cursor, with where each value
// comes from — the table `nginx-doctor settings --location FILE:LINE` prints (the bundled CLI runs it,
// so the editor and the terminal show the same table), in a read-only document beside the config.
// The root config is the one the language server analyses the file under. Refused in Restricted
// Mode (the command table says so): it runs the CLI.
import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { CONFIG_SECTION, FILE_INFO, LANGUAGE_ID, type FileInfo } from '../../../server/src/protocol/protocol';
import type { Ctx } from '../ctx';
import { workspaceRootConfig } from '../workspace-root';

export const SETTINGS_SCHEME = 'nginx-doctor-settings';
const LIMIT_MS = 30_000;
const MAX_OUT = 4 * 1024 * 1024;

export class EffectiveSettingsFeature implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    ctx.pushCleanup(this, vscode.workspace.registerTextDocumentContentProvider(SETTINGS_SCHEME, this));
  }

  dispose(): void {
    this.changed.dispose();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'nginx-doctor: run "Nginx: Show Effective Settings" on a location again.';
  }

  /** The command: the location at the cursor (or at a { file, line } argument). */
  async show(arg?: unknown): Promise<void> {
    const at = placeArg(arg) ?? this.cursorPlace();
    if (!at) {
      void vscode.window.showInformationMessage('nginx-doctor: put the cursor in a location block of an nginx config, then run "Nginx: Show Effective Settings".');
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === at.file);
    if (doc?.isDirty) await doc.save();
    const root = await this.rootOf(at.file);
    if (!root) {
      void vscode.window.showInformationMessage('nginx-doctor: no root nginx.conf found for this file (set nginxDoctor.rootConfig).');
      return;
    }
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const version = cfg.get<string>('nginxVersion') ?? '';
    const args = [this.ctx.cli, 'settings', '--config', root, '--location', `${at.file}:${at.line}`, ...(/^\d+\.\d+\.\d+$/.test(version) ? ['--nginx-version', version] : [])];
    this.ctx.output.info(`effective settings: ${args.slice(1).join(' ')}`);
    const r = await runCli(args);
    if (r.code === 2 || (r.code !== 0 && r.code !== 1) || !r.stdout) {
      void vscode.window.showErrorMessage(`nginx-doctor: ${firstLine(r.stderr) || `settings ended with exit code ${r.code ?? 'none'}`}`);
      return;
    }
    if (r.code === 1) {
      // no proxied location there: say why in one line (the table would be empty)
      const why = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)[1] ?? 'no location that passes requests to a backend there';
      void vscode.window.showInformationMessage(`nginx-doctor: ${why}`);
      return;
    }
    const uri = vscode.Uri.from({ scheme: SETTINGS_SCHEME, path: `/Effective settings ${vscode.workspace.asRelativePath(at.file, false).replace(/[/\\]/g, '_')}-${at.line}.txt` });
    this.texts.set(uri.toString(), r.stdout);
    this.changed.fire(uri);
    const shown = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  }

  private cursorPlace(): { file: string; line: number } | null {
    const e = vscode.window.activeTextEditor;
    if (!e || e.document.languageId !== LANGUAGE_ID || e.document.uri.scheme !== 'file') return null;
    return { file: e.document.uri.fsPath, line: e.selection.active.line + 1 };
  }

  /** The root config the language server analyses the file under, else the workspace's. */
  private async rootOf(file: string): Promise<string | undefined> {
    const info = await this.ctx.ask<FileInfo>(FILE_INFO, { uri: vscode.Uri.file(file).toString() }).catch(() => undefined);
    if (info?.roots.length) return info.roots[0];
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return workspaceRootConfig(vscode.workspace.getConfiguration(CONFIG_SECTION), folder);
  }
}

function placeArg(arg: unknown): { file: string; line: number } | null {
  const a = arg as { file?: unknown; line?: unknown } | undefined;
  return a && typeof a === 'object' && typeof a.file === 'string' && typeof a.line === 'number' && Number.isInteger(a.line) && a.line >= 1 ? { file: a.file, line: a.line } : null;
}

function firstLine(s: string): string {
  return (s.split('\n').map((l) => l.trim()).find(Boolean) ?? '').replace(/^nginx-doctor:\s*/, '');
}

/** The bundled CLI under the extension host's Node (as the doctor and tail run it), bounded. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUT) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUT) stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
