// Log sources: a local file, a file on an SSH host, or a command that prints the log. Settings
// and command-line arguments are checked here, before anything is started: an SSH destination
// must look like [user@]host[:port] (an ~/.ssh/config alias is a host), so that nothing starting
// with "-" (ssh would read it as an option, e.g. -oProxyCommand=...) and no shell syntax can
// reach ssh, whose ProxyCommand/LocalCommand expansion (%h, %r) would hand it to a shell.
import type { LogSourceSetting } from '../protocol/protocol';

export type SourceSpec =
  | { kind: 'file'; name: string; path: string; config?: string }
  | { kind: 'ssh'; name: string; dest: string; path: string; sudo: boolean; config?: string }
  | { kind: 'command'; name: string; argv: string[]; config?: string };

export class SourceError extends Error {}

const NAME_PART = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** Checks an SSH destination; returns it unchanged, or throws with the reason. */
export function checkDestination(dest: string): string {
  if (dest.startsWith('-')) throw new SourceError(`SSH destination "${printable(dest)}" starts with "-": ssh would read it as an option`);
  let rest = dest;
  if (rest.startsWith('ssh://')) {
    rest = rest.slice(6);
    const port = /:(\d{1,5})$/.exec(rest);
    if (port) {
      if (Number(port[1]) < 1 || Number(port[1]) > 65535) throw new SourceError(`SSH destination "${printable(dest)}": port out of range`);
      rest = rest.slice(0, port.index);
    }
  }
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : null;
  const host = at >= 0 ? rest.slice(at + 1) : rest;
  if (user !== null && !NAME_PART.test(user)) throw new SourceError(`SSH destination "${printable(dest)}": the user name may only contain letters, digits and . _ + -`);
  const v6 = /^\[[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?\]$/.test(host);
  if (!v6 && !NAME_PART.test(host)) throw new SourceError(`SSH destination "${printable(dest)}": the host may only contain letters, digits, "." "_" and "-" (or be [IPv6])`);
  return dest;
}

export function checkPath(path: string, what = 'log path'): string {
  if (!path) throw new SourceError(`the ${what} is empty`);
  if (path.includes('\0')) throw new SourceError(`the ${what} contains a NUL byte`);
  return path;
}

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

/** Control characters shown as escapes, for messages about hostile input. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
