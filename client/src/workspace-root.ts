// The workspace's root nginx.conf for the features that hand a config to the CLI (tail, doctor):
// the first `nginxDoctor.rootConfig` entry (relative to the first workspace folder), else the
// first nginx.conf found in the workspace.
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';

/** A path from a setting: relative ones are relative to the first workspace folder. */
export function inWorkspace(p: string, folder: string | undefined): string {
  return folder && !isAbsolute(p) ? join(folder, p) : p;
}

export async function workspaceRootConfig(cfg: vscode.WorkspaceConfiguration, folder: string | undefined): Promise<string | undefined> {
  const roots = cfg.get<string[]>('rootConfig') ?? [];
  if (roots.length) return inWorkspace(roots[0]!, folder);
  const found = await vscode.workspace.findFiles('**/nginx.conf', '**/node_modules/**', 1);
  return found[0]?.fsPath;
}
