// A small argument parser for the CLI: "--flag value", "--flag=value", boolean flags, positionals.
// Kept hand-written rather than commander: its messages and exit code (1) differ from the CLI
// contract (exit 2, "unknown option --x"), and tail's --command takes the rest of the line.
import { commandSpec, flagNames } from './spec';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {}

/** parseArgs with the flags a sub-command declares in spec.ts. */
export function parseCommandArgs(argv: string[], command: string): ParsedArgs {
  const spec = commandSpec(command);
  if (!spec) throw new Error(`no spec for ${command}`);
  const { valued, booleans } = flagNames(spec);
  return parseArgs(argv, valued, booleans);
}

export function parseArgs(argv: string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.includes(name)) {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`);
      out.flags.add(name);
    } else if (valued.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      out.options.set(name, [...(out.options.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}

export function one(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return v ? v[v.length - 1] : undefined;
}
