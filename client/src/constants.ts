// Every id the extension gives VS Code, in one place: commands (contributed in package.json, run
// by the command table in commands.ts), webview panel types, status items and stored state keys.
export const COMMANDS = {
  restartServer: 'nginxDoctor.restartServer',
  showOutput: 'nginxDoctor.showOutput',
  tailErrorLog: 'nginxDoctor.tailErrorLog',
  tailAllHosts: 'nginxDoctor.tailAllHosts',
  stopTail: 'nginxDoctor.stopTail',
  explain502: 'nginxDoctor.explain502',
  matchUrl: 'nginxDoctor.matchUrl',
  checkServer: 'nginxDoctor.checkServer',
  fixAllProblems: 'nginxDoctor.fixAllProblems',
  showEffectiveSettings: 'nginxDoctor.showEffectiveSettings',
  /** Not in the palette: CodeLenses and links open a config line with it. */
  openConfigPlace: 'nginxDoctor.openConfigPlace',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Webview panel types (the `viewType` of createWebviewPanel) and their page scripts in dist/webview/. */
export const VIEWS = {
  explain: { type: 'nginxDoctor.explain', script: 'explain.js' },
  tail: { type: 'nginxDoctor.tail', script: 'tail.js' },
  checkServer: { type: 'nginxDoctor.checkServer', script: 'check-server.js' },
} as const;

export type ViewName = keyof typeof VIEWS;

export const STATUS_ITEMS = {
  language: 'nginxDoctor.status',
  tailRate: 'nginxDoctor.tailRate',
} as const;

export const STATE_KEYS = {
  /** workspaceState: the host the last server check ran on. */
  lastCheckServerTarget: 'nginxDoctor.checkServer.lastTarget',
} as const;
