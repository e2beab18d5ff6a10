// The language status item: which root config a file is checked with, the nginx version, and
// whether process-spawning features are off because the workspace is not trusted.
import * as vscode from 'vscode';
import { FILE_INFO, LANGUAGE_ID, type FileInfo } from '../../server/src/protocol/protocol';
import { COMMANDS, STATUS_ITEMS } from './constants';
import type { Ctx } from './ctx';

export function createStatusItem(ctx: Ctx): void {
  const item = vscode.languages.createLanguageStatusItem(STATUS_ITEMS.language, { language: LANGUAGE_ID });
  item.name = 'nginx-doctor';
  const update = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    const client = ctx.client;
    if (!editor || editor.document.languageId !== LANGUAGE_ID || !client?.isRunning()) return;
    try {
      const info = await client.sendRequest<FileInfo>(FILE_INFO, { uri: editor.document.uri.toString() });
      describe(item, info, editor.document.uri);
    } catch {
      item.text = 'nginx-doctor';
    }
  };
  const subs = [
    item,
    vscode.window.onDidChangeActiveTextEditor(() => void update()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void update()),
    vscode.languages.onDidChangeDiagnostics(() => void update()),
  ];
  void update();
  ctx.pushCleanup(...subs);
}

function describe(item: vscode.LanguageStatusItem, info: FileInfo, uri: vscode.Uri): void {
  const version = info.nginxVersion ? `nginx ${info.nginxVersion}` : 'any nginx version';
  const where = info.assumedContext
    ? `checked alone, as if inside ${info.assumedContext} { }`
    : info.roots.length && info.roots[0] !== uri.fsPath
      ? `checked as part of ${vscode.workspace.asRelativePath(info.roots[0]!)}`
      : 'checked as a root config';
  item.text = `$(pulse) ${version}`;
  item.detail = where;
  item.command = { title: 'Show output', command: COMMANDS.showOutput };
  if (!info.trusted) {
    item.severity = vscode.LanguageStatusSeverity.Warning;
    item.text = `$(shield) ${version} · restricted`;
    // the hover shows text, detail and command on one line: the detail stays short, the whole
    // story is the command's tooltip
    const ignored = info.ignoredSettings?.length ? ` Ignored: ${info.ignoredSettings.join('; ')}.` : '';
    item.detail = `runs nothing until trusted${info.ignoredSettings?.length ? `; ignored: ${info.ignoredSettings.map((x) => x.split(' ')[0]).join(', ')}` : ''}`;
    item.command = {
      title: 'Trust...',
      command: 'workbench.trust.manage',
      tooltip: `${where[0]!.toUpperCase()}${where.slice(1)}. Restricted mode: nginx -v, nginx -t and SSH are off, and files outside the workspace are not read, until you trust this workspace; so are Tail Error Log and Check Server for 502 Causes.${ignored}`,
    };
  } else {
    item.severity = vscode.LanguageStatusSeverity.Information;
  }
}
