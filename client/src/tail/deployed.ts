// A host's deployed config file that differs from the workspace's (the tail links a line of that
// host to it): shown as a read-only document (a content provider, so it cannot be edited or saved
// by mistake) with a "differs from workspace" note and a compare action. Only copies the tail
// reported are served: the provider looks the URI up in what it was given, never reads a path from it.
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { TailPlace } from '../../../server/src/protocol/protocol';
import { openPlace } from '../open-place';

export const DEPLOYED_SCHEME = 'nginx-doctor-deployed';

export class DeployedDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly copies = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DEPLOYED_SCHEME, this);
  }

  dispose(): void {
    this.registration.dispose();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const copy = this.copies.get(uri.toString());
    if (!copy) return '';
    try {
      return readFileSync(copy, 'utf8');
    } catch (e) {
      return `# nginx-doctor: the deployed copy ${copy} cannot be read (${e instanceof Error ? e.message : String(e)})\n`;
    }
  }

  /** The read-only document of a place that differs: `nginx-doctor-deployed:/HOST/server/path`. */
  uriOf(p: TailPlace & { differs: NonNullable<TailPlace['differs']> }): vscode.Uri | null {
    if (!p.open) return null;
    const uri = vscode.Uri.from({ scheme: DEPLOYED_SCHEME, path: posix.join('/', p.differs.host.replace(/\//g, '_'), p.file) });
    this.copies.set(uri.toString(), p.open);
    return uri;
  }

  /** Opens the deployed text at the line, then says that it differs (with Compare). */
  async open(p: TailPlace & { differs: NonNullable<TailPlace['differs']> }, viewColumn?: vscode.ViewColumn): Promise<void> {
    const uri = this.uriOf(p);
    if (!uri) {
      await openPlace({ file: p.file, line: p.line }, viewColumn);
      return;
    }
    const editor = await openPlace({ file: p.file, line: p.line, uri }, viewColumn);
    await vscode.languages.setTextDocumentLanguage(editor.document, 'nginx').then(undefined, () => undefined);
    const d = p.differs;
    const what = d.workspace === null || d.differsAt < 0 ? 'the workspace has no such file' : `it differs from the workspace from line ${d.differsAt}`;
    const note = `${posix.basename(p.file)} as deployed on ${d.host} (read-only): ${what}.`;
    const compare = d.workspace !== null && d.differsAt > 0 ? 'Compare with Workspace' : undefined;
    const workspace = d.workspace;
    // the note stays while the document is read; Compare opens the diff
    void (compare ? vscode.window.showInformationMessage(note, compare) : vscode.window.showInformationMessage(note)).then((choice) => {
      if (choice && workspace) void vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(workspace), uri, `${posix.basename(p.file)}: workspace \u2194 ${d.host}`);
    });
  }
}
