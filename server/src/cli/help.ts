// `nginx-doctor --help` and `nginx-doctor COMMAND --help` (or -h), from the table in spec.ts.
import { COMMANDS, flagNames, type CommandSpec } from './spec';
import { VERSION } from '../version';

const WIDTH = 100;

/** Words wrapped at WIDTH, every line after the first indented by `indent`. */
function wrap(text: string, indent: number, first: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let room = WIDTH - first;
  for (const w of words) {
    if (line && line.length + 1 + w.length > room) {
      lines.push(line);
      line = w;
      room = WIDTH - indent;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function table(rows: [string, string][]): string {
  const col = Math.min(32, Math.max(...rows.map(([a]) => a.length)) + 4);
  return rows.map(([a, b]) => {
    const left = `  ${a}`;
    const pad = left.length + 1 > col ? `\n${' '.repeat(col)}` : ' '.repeat(col - left.length);
    return `${left}${pad}${wrap(b, col, col)}\n`;
  }).join('');
}

export function commandHelp(spec: CommandSpec): string {
  let out = `nginx-doctor ${spec.name}: ${spec.summary}\n\nUsage: nginx-doctor ${spec.name} ${spec.synopsis.replace(/\n\s+/g, '\n' + ' '.repeat(21 + spec.name.length))}\n`;
  if (spec.operands.length) out += `\nArguments:\n${table(spec.operands.map((o) => [o.name, o.help]))}`;
  const rows: [string, string][] = spec.flags.map((f) => [
    `--${f.name}${f.value ? ` ${f.value}` : ''}`,
    `${f.help}${f.default ? ` (default: ${f.default})` : ''}`,
  ]);
  rows.push(['-h, --help', 'show this help']);
  out += `\nOptions:\n${table(rows)}`;
  out += '  Valued options also take the form --name=VALUE.\n';
  if (spec.notes) out += `\n${wrap(spec.notes, 0, 0)}\n`;
  out += `\nExamples:\n${spec.examples.map(([cmd, what]) => `  ${cmd}\n      ${wrap(what, 6, 6)}\n`).join('')}`;
  out += `\nExit status: ${wrap(spec.exit, 13, 13)}.\n`;
  return out;
}

export function overviewHelp(): string {
  let out = `nginx-doctor ${VERSION}: finds the nginx config mistakes that cause 502/504s\n\nUsage:\n`;
  for (const c of COMMANDS) {
    out += `  nginx-doctor ${c.name} ${c.synopsis}\n${' '.repeat(36)}${wrap(c.summary, 36, 36)}\n`;
  }
  out += '  nginx-doctor --version | --help\n\n';
  out += 'Run "nginx-doctor COMMAND --help" for the options, defaults and examples of a command.\n\n';
  out += 'check and fix exit 0 when no error is left, 1 when there is one, 2 on a usage or I/O failure.\n';
  out += 'doctor exits 1 when a check fails, 0 otherwise, 2 on a usage error.\n';
  out += 'match and explain exit 0, or 2 on a usage or I/O failure; tail exits 0 when stopped, 1 when every\nsource failed, 2 on a usage error.\n';
  out += "Includes are resolved relative to the root config's directory (nginx's conf prefix), or --conf-dir.\n";
  return out;
}

/**
 * True when argv asks for help: "--help" or "-h" where an option may stand (not as the value of
 * a valued option, not after "--", not inside tail's --command ARGV).
 */
export function helpRequested(argv: readonly string[], spec: CommandSpec): boolean {
  const { valued } = flagNames(spec);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || a === '--command') return false;
    if (a === '--help' || a === '-h') return true;
    if (a.startsWith('--') && !a.includes('=') && valued.includes(a.slice(2))) i++;
  }
  return false;
}
