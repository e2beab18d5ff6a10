// Names and message shapes shared by the extension (client) and the language server. Types and
// constants only: both sides import this file, nothing else crosses the boundary.

export const CONFIG_SECTION = 'nginxDoctor';
export const LANGUAGE_ID = 'nginx';

export type SeveritySetting = 'off' | 'error' | 'warning' | 'info' | 'hint';

/** Settings under "nginxDoctor." that the server reads (mirrored in package.json contributes). */
export interface Settings {
  /** nginx version to check against, e.g. "1.24.0"; empty: ask `nginx -v` (trusted workspaces) or accept every version. */
  nginxVersion: string;
  /** Root configs (absolute, or relative to the workspace folder); empty: found by scanning the workspace. */
  rootConfig: string[];
  /** Base directory for relative include paths; empty: the root config's directory. */
  confDir: string;
  /** Severity per rule id. */
  rules: Record<string, SeveritySetting>;
  /** The nginx binary used for `nginx -v` (machine setting, trusted workspaces only). */
  nginxPath: string;
  /** proxy_read_timeout that the WebSocket quick fix sets. */
  websocketReadTimeout: string;
}

export const DEFAULT_SETTINGS: Settings = {
  nginxVersion: '',
  rootConfig: [],
  confDir: '',
  rules: {},
  nginxPath: 'nginx',
  websocketReadTimeout: '3600s',
};

/** Options the client sends in `initialize`. */
export interface InitializationOptions {
  /** False in a restricted (untrusted) workspace: the server must not start processes. */
  trusted: boolean;
}

/** Client → server notification when the workspace becomes trusted. */
export const TRUST_CHANGED = 'nginxDoctor/trustChanged';
export interface TrustChangedParams {
  trusted: boolean;
}

/** Client → server request: how a file is analysed (for the language status item). */
export const FILE_INFO = 'nginxDoctor/fileInfo';
export interface FileInfoParams {
  uri: string;
}
export interface FileInfo {
  /** Root configs that include this file (paths). */
  roots: string[];
  /** Set when the file is analysed alone, as if inside this context. */
  assumedContext?: string;
  /** The nginx version checked against, and where it came from. */
  nginxVersion: string | null;
  versionSource: 'setting' | 'nginx -v' | 'none';
  trusted: boolean;
}
