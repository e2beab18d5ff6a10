// "Nginx: Fix All Problems in This File": the language server's "Fix all nginx-doctor problems in
// this file" source action (the one editor.codeActionsOnSave runs), applied to the active editor.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { FIX_ALL_KIND, LANGUAGE_ID } from '../../server/src/protocol/protocol';

export async function fixAllInFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showInformationMessage('nginx-doctor: open an nginx config file, then run "Nginx: Fix All Problems in This File".');
    return;
  }
  const doc = editor.document;
  const whole = new vscode.Range(0, 0, doc.lineCount, 0);
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND)) ?? [];
  const fixAll = actions.find((a) => a.kind?.value === FIX_ALL_KIND && a.edit);
  if (!fixAll?.edit) {
    void vscode.window.showInformationMessage(`nginx-doctor: nothing to fix in ${basename(doc.uri.fsPath)}: none of its problems has an automatic fix.`);
    return;
  }
  if (!(await vscode.workspace.applyEdit(fixAll.edit))) void vscode.window.showErrorMessage(`nginx-doctor: could not apply "${fixAll.title}".`);
}
