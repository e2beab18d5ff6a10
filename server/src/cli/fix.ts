// `nginx-doctor fix [--dry-run] FILE...`: applies every preferred quick fix (the same code the
// editor uses), writes the files (or prints a diff), then reports what is left.
// Exit 0: no error left; 1: errors remain; 2: usage or I/O failure.
import { renameSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { fixAll, type Diagnostic } from '../core/index';
import { parseCommandArgs } from './args';
import { analysisInputs } from './inputs';
import { unifiedDiff } from './diff';
import type { Io } from './check';

export function runFix(argv: string[], io: Io): number {
  const args = parseCommandArgs(argv, 'fix');
  const dry = args.flags.has('dry-run');
  const inputs = analysisInputs(args, io);
  let applied = 0;
  let failed = inputs.ioFailed;
  const remaining: Diagnostic[] = [];
  const written = new Set<string>();
  for (const input of inputs.items) {
    const result = fixAll(input.path, input.options);
    applied += result.applied;
    remaining.push(...result.remaining);
    for (const [file, text] of result.changed) {
      if (written.has(file)) continue;
      written.add(file);
      const before = input.options.host.readFile(file) ?? '';
      if (dry) io.out(unifiedDiff(file, before, text));
      else if (!writeAtomically(file, text, io)) failed = true;
    }
  }
  const errors = remaining.filter((d) => d.severity === 'error').length;
  io.err(`nginx-doctor: ${dry ? 'would apply' : 'applied'} ${applied} fix${applied === 1 ? '' : 'es'} in ${written.size} file${written.size === 1 ? '' : 's'}; ${remaining.length} problem${remaining.length === 1 ? '' : 's'} left (${errors} error${errors === 1 ? '' : 's'})\n`);
  if (failed) return 2;
  return errors > 0 ? 1 : 0;
}

function writeAtomically(file: string, text: string, io: Io): boolean {
  const tmp = `${file}.nginx-doctor.tmp`;
  try {
    const mode = statSync(file).mode & 0o7777;
    writeFileSync(tmp, text);
    chmodSync(tmp, mode);
    renameSync(tmp, file);
    return true;
  } catch (e) {
    io.err(`nginx-doctor: cannot write "${file}": ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}
