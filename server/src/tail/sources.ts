// Log sources: a local file, a file on an SSH host, or a command that prints the log. Settings
// and command-line arguments are checked here, before anything is started (SSH destinations and
// paths by ../remote/check-input.ts).
import { hostname } from 'node:os';
import type { LogSourceSetting } from '../protocol/protocol';
import { SourceError, checkDestination, checkPath } from '../remote/check-input';

export type SourceSpec =
  | { kind: 'file'; name: string; path: string; config?: string }
  | { kind: 'ssh'; name: string; dest: string; path: string; sudo: boolean; config?: string }
  | { kind: 'command'; name: string; argv: string[]; config?: string };

export function checkCommand(argv: unknown): string[] {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new SourceError('a command source needs "command": an array of strings (the program and its arguments; no shell)');
  }
  if (!argv[0]) throw new SourceError('the command is empty');
  for (const a of argv as string[]) if (a.includes('\0')) throw new SourceError('a command argument contains a NUL byte');
  return argv as string[];
}

/** A source from the `nginxDoctor.logSources` setting (or `--sources` JSON). */
export function sourceFromSetting(s: LogSourceSetting, index: number): SourceSpec {
  if (!s || typeof s !== 'object') throw new SourceError(`log source #${index + 1} is not an object`);
  const name = typeof s.name === 'string' && s.name.trim() ? s.name.trim() : `source${index + 1}`;
  const config = typeof s.config === 'string' && s.config ? s.config : undefined;
  if (s.command !== undefined) {
    if (s.host !== undefined || s.path !== undefined) throw new SourceError(`log source "${name}": give either "command" or "host"/"path", not both`);
    return { kind: 'command', name, argv: checkCommand(s.command), ...(config ? { config } : {}) };
  }
  if (typeof s.path !== 'string') throw new SourceError(`log source "${name}" needs "path" (or "command")`);
  const path = checkPath(s.path);
  if (s.host !== undefined && s.host !== '') {
    if (typeof s.host !== 'string') throw new SourceError(`log source "${name}": "host" must be a string`);
    return { kind: 'ssh', name, dest: checkDestination(s.host), path, sudo: s.sudo === true, ...(config ? { config } : {}) };
  }
  if (s.sudo) throw new SourceError(`log source "${name}": "sudo" is only for SSH sources`);
  if (config === 'remote') throw new SourceError(`log source "${name}": config "remote" needs an SSH host`);
  return { kind: 'file', name, path, ...(config ? { config } : {}) };
}

/** The machine a source's lines come from (TailEvent.host): the SSH destination as given, else this machine's name. */
export function hostOf(s: SourceSpec): string {
  return s.kind === 'ssh' ? s.dest : hostname();
}
