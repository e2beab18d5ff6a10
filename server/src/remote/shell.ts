// What reaches a POSIX shell on the nginx host: the command line is constant words (`sh -s`, or
// `sudo -n -- sh -s`), and parameters travel on stdin, single-quoted (see tail/remote-script.ts).

/** Single-quotes a word for POSIX sh: 'it'\''s'. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The remote command line: constant words only. */
export function remoteShell(sudo: boolean): string {
  return sudo ? 'sudo -n -- sh -s' : 'sh -s';
}
