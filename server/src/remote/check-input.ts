// What may be handed to ssh and to the remote shell, checked before anything is started: an SSH
// destination must look like [user@]host[:port] (an ~/.ssh/config alias is a host), so that
// nothing starting with "-" (ssh would read it as an option, e.g. -oProxyCommand=...) and no shell
// syntax can reach ssh, whose ProxyCommand/LocalCommand expansion (%h, %r) would hand it to a
// shell; a path must not be empty or hold a NUL byte.

/** A destination, path or command that cannot be used (the message says why). */
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

/** Control characters shown as escapes, for messages about hostile input. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
