// Loads a root config from disk for the commands that match requests against it (match, explain,
// tail, doctor).
import { dirname } from 'node:path';
import { buildConfigSet, defaultCatalog, type ConfigSet } from '../core/index';
import { DiskHost } from './disk-host';

export class ConfigLoadError extends Error {}

export function loadConfig(root: string, confDir?: string): ConfigSet {
  const host = new DiskHost();
  if (host.readFile(root) === undefined) {
    throw new ConfigLoadError(`cannot read "${root}": ${host.isDirectory(root) ? 'it is a directory' : 'no such file or not readable'}`);
  }
  return buildConfigSet(root, { host, catalog: defaultCatalog(), confDir: confDir ?? dirname(root) });
}

/** loadConfig for a CLI command: a config that cannot be loaded is reported on stderr (null returned). */
export function loadConfigOrReport(root: string, confDir: string | undefined, err: (text: string) => void): ConfigSet | null {
  try {
    return loadConfig(root, confDir);
  } catch (e) {
    if (e instanceof ConfigLoadError) {
      err(`nginx-doctor: ${e.message}\n`);
      return null;
    }
    throw e;
  }
}
