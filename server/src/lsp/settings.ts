// Reads the "nginxDoctor" settings through workspace/configuration, with defaults for anything missing.
import type { Connection } from 'vscode-languageserver/node';
import { CONFIG_SECTION, DEFAULT_SETTINGS, type Settings } from '../protocol/protocol';

export async function fetchSettings(connection: Connection, canAsk: boolean): Promise<Settings> {
  if (!canAsk) return { ...DEFAULT_SETTINGS };
  try {
    const raw = (await connection.workspace.getConfiguration(CONFIG_SECTION)) as Partial<Settings> | null;
    return normalizeSettings(raw ?? {});
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function normalizeSettings(raw: Partial<Settings>): Settings {
  const roots = raw.rootConfig as unknown;
  return {
    nginxVersion: typeof raw.nginxVersion === 'string' ? raw.nginxVersion.trim() : '',
    rootConfig: Array.isArray(roots) ? roots.filter((r): r is string => typeof r === 'string') : typeof roots === 'string' && roots ? [roots] : [],
    confDir: typeof raw.confDir === 'string' ? raw.confDir : '',
    rules: raw.rules && typeof raw.rules === 'object' ? raw.rules : {},
    nginxPath: typeof raw.nginxPath === 'string' && raw.nginxPath ? raw.nginxPath : 'nginx',
    websocketReadTimeout: typeof raw.websocketReadTimeout === 'string' && /^\d+(ms|[smhd])?$/.test(raw.websocketReadTimeout) ? raw.websocketReadTimeout : '3600s',
    stableHostnames: Array.isArray(raw.stableHostnames) ? raw.stableHostnames.filter((r): r is string => typeof r === 'string' && r.trim() !== '') : [],
    allowedIncludePaths: Array.isArray(raw.allowedIncludePaths) ? raw.allowedIncludePaths.filter((r): r is string => typeof r === 'string' && r !== '') : [],
  };
}
