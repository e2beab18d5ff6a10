// `nginx-doctor fix [--dry-run] FILE...`: applies every preferred quick fix (the same code the
// editor uses), writes the files (or prints a diff), then reports what is left.
// Files are written by host/safe-write.ts: never through a link, owner/group/mode and hard links
// kept, bytes outside the edits unchanged, nothing written over a file that changed since it was read.
// Exit 0: no error left; 1: errors remain; 2: usage or I/O failure.
import { fixAll, type Diagnostic } from '../core/index';
import { DiskHost } from '../host/disk-host';
import { encodeText, decodeBytes } from '../host/bytes';
import { writeFileSafely, type FileSnapshot } from '../host/safe-write';
import { parseCommandArgs } from './args';
import { analysisInputs } from './inputs';
import { unifiedDiff } from './diff';
import type { Io } from './check';

export function runFix(argv: string[], io: Io): number {
  const args = parseCommandArgs(argv, 'fix');
  const dry = args.flags.has('dry-run');
  // the bytes of every file as first read by this input's fixes: what the diff starts from and
  // what must still be on disk when writing (a file that changes between rounds is not written)
  let snapshots = new Map<string, FileSnapshot>();
  const host = new DiskHost((path, snap) => {
    if (!snapshots.has(path)) snapshots.set(path, snap);
  });
  const inputs = analysisInputs(args, io, host);
  let applied = 0;
  let failed = inputs.ioFailed;
  const remaining: Diagnostic[] = [];
  const written = new Set<string>();
  for (const input of inputs.items) {
    snapshots = new Map();
    const result = fixAll(input.path, input.options);
    applied += result.applied;
    remaining.push(...result.remaining);
    for (const [file, text] of result.changed) {
      if (written.has(file)) continue;
      written.add(file);
      const snap = snapshots.get(file);
      if (!snap) {
        io.err(`nginx-doctor: cannot write "${file}": it was not read from disk\n`);
        failed = true;
        continue;
      }
      if (dry) {
        io.out(unifiedDiff(file, decodeBytes(snap.bytes), text));
        continue;
      }
      const r = writeFileSafely(file, encodeText(text), snap);
      if (!r.ok) {
        io.err(`nginx-doctor: ${r.message}\n`);
        failed = true;
      } else if (r.note) io.err(`nginx-doctor: note: ${r.note}\n`);
    }
  }
  const errors = remaining.filter((d) => d.severity === 'error').length;
  io.err(`nginx-doctor: ${dry ? 'would apply' : 'applied'} ${applied} fix${applied === 1 ? '' : 'es'} in ${written.size} file${written.size === 1 ? '' : 's'}; ${remaining.length} problem${remaining.length === 1 ? '' : 's'} left (${errors} error${errors === 1 ? '' : 's'})\n`);
  if (failed) return 2;
  return errors > 0 ? 1 : 0;
}
