// The workspace's root nginx.conf for the features that hand a config to the CLI (tail, doctor):
// the first `nginxDoctor.rootConfig` entry (relative to the first workspace folder), else the
// first nginx.conf found in the workspace.
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';

export async function workspaceRootConfig(cfg: vscode.WorkspaceConfiguration, folder: string | undefined): Promise<string | undefined> {
  const roots = cfg.get<string[]>('rootConfig') ?? [];
  if (roots.length) return folder && !isAbsolute(roots[0]!) ? join(folder, roots[0]!) : roots[0];
  const found = await vscode.workspace.findFiles('**/nginx.conf', '**/node_modules/**', 1);
  return found[0]?.fsPath;
}
