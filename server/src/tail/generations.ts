// After a rotation: which files next to the log hold the lines still to be read, in which order,
// and what is lost for good. The same decision for the local follower (node:fs) and the SSH one
// (the remote script lists the files, this decides, the script reads what it is told).
//
// The generation being read is known by its inode, the offset reached and its first bytes (head).
// It is found again among the rotated names next to the log (error.log.1, error.log.2.gz,
// error.log-20261122, error.log.2026-11-22.gz ...): by inode when it was renamed, by head when it was
// compressed (a new inode) or copied (copytruncate). The generations after it and before the file
// now at the path are read whole, oldest first. What cannot be found is reported as a gap, with
// what is known about it.
import type { TailGap } from '../protocol/protocol';

export type Compression = 'gz' | 'bz2' | 'xz' | 'zst';

/** A file next to the log, as listed (locally with fs, remotely by the script). */
export interface Sibling {
  name: string;
  inode: string;
  /** Bytes on disk. */
  size: number;
  /** Modification time, ms (seconds * 1000 remotely). */
  mtimeMs: number;
  compression: Compression | null;
  /** Hex of the first bytes of the (decompressed) content; '' when empty or unreadable. */
  head: string;
  /** Decompressed size when known (plain files: size; gzip: its trailer); -1 when unknown. */
  contentSize: number;
  /** It can be read here (a decompressor is available). */
  readable: boolean;
}

export interface RecoveryInput {
  /** The log's file name (no directory). */
  base: string;
  /** The generation being read: inode, offset of the last complete line handed out, head (hex). */
  position: { inode: string; offset: number; head: string };
  /**
   * rename: another file is at the path and the one being read is still open (read it on through
   * its descriptor); truncate: the path still is that inode but was truncated (copytruncate);
   * resume: reconnecting, the path no longer is what was being read.
   */
  why: 'rename' | 'truncate' | 'resume';
  /** Inode of the file now at the path (null: none). */
  currentInode: string | null;
  /** truncate: the largest size seen before the truncation, and how far it was read. */
  lastSize?: number;
  readUpTo?: number;
  siblings: Sibling[];
  /** Files already read for the rename just before (a copy of the new file made meanwhile among them): not again. */
  alreadyRead?: ReadonlySet<string>;
  /**
   * Nothing has been read yet from the file at the path (position offset 0), and these are the
   * rotated files as listed before it was to be read: every file new since (by inode; a compressed
   * file whose content is that of a listed one is the same generation) is a generation the file
   * went through in between (copytruncate again), read whole, oldest first.
   */
  listedBefore?: Sibling[];
}

export interface ReadStep {
  sibling: Sibling;
  from: number;
  /** The generation that was being read, found again (else one rotated after it). */
  previous: boolean;
  /**
   * A renamed generation (plain): the writer may still append to it until it reopens its log, so
   * it is read until quiet. Copies (copytruncate) and compressed files are read once.
   */
  follow: boolean;
}

export interface RecoveryPlan {
  /** rename: the open descriptor is read on first (the previous generation, by descriptor). */
  held: boolean;
  /** The previous generation's name, when found. */
  previousName: string | null;
  /** Files to read, oldest first. */
  steps: ReadStep[];
  /** Gaps, each before the step with that index (steps.length: before the file at the path). */
  gaps: { before: number; gap: TailGap; message: string }[];
}

const COMPRESSED = /\.(gz|bz2|xz|zst)$/;

/** The suffix after the log's name when `name` looks like a rotated generation of it, else null. */
export function rotatedSuffix(base: string, name: string): string | null {
  if (!name.startsWith(base) || name === base) return null;
  const rest = name.slice(base.length).replace(COMPRESSED, '');
  // ".1", "-20261122", ".2026-11-22", "-2026112204", "_1": a separator, then something with a digit
  return /^[._-][0-9A-Za-z._-]*$/.test(rest) && /\d/.test(rest) ? rest : null;
}

export function compressionOf(name: string): Compression | null {
  const m = COMPRESSED.exec(name);
  return m ? (m[1] as Compression) : null;
}

/** Rotated generations, oldest first: numbered ones by number (higher is older), dated ones by name, else by time. */
export function orderGenerations(base: string, list: Sibling[]): Sibling[] {
  const keyed = list.map((s) => ({ s, suffix: rotatedSuffix(base, s.name) ?? '' }));
  if (keyed.every((k) => /^\.\d+$/.test(k.suffix))) {
    return keyed.sort((a, b) => Number(b.suffix.slice(1)) - Number(a.suffix.slice(1))).map((k) => k.s);
  }
  if (keyed.every((k) => /^[._-]\d{6}/.test(k.suffix))) {
    return keyed.sort((a, b) => (a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0)).map((k) => k.s);
  }
  return keyed.sort((a, b) => a.s.mtimeMs - b.s.mtimeMs || (a.s.name < b.s.name ? -1 : 1)).map((k) => k.s);
}

const n = (x: number): string => x.toLocaleString('en');

export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const { base, position: pos, why } = input;
  // resuming at the same inode: it was truncated, so the rotated files are copies
  const copies = why === 'truncate' || (why === 'resume' && input.currentInode === pos.inode);
  // one file per generation: while a generation is being compressed both NAME and NAME.gz exist
  const bySuffix = new Map<string, Sibling>();
  for (const s of input.siblings) {
    const suffix = rotatedSuffix(base, s.name);
    if (suffix === null) continue;
    const had = bySuffix.get(suffix);
    if (!had || (had.compression !== null && s.compression === null)) bySuffix.set(suffix, s);
  }
  // a file renamed while it was listed (error.log.1 -> .2) can be listed twice: once, under its older name
  const seen = new Set<string>();
  const ordered = orderGenerations(base, [...bySuffix.values()]).filter((s) => !seen.has(s.inode) && seen.add(s.inode));
  const plan: RecoveryPlan = { held: why === 'rename', previousName: null, steps: [], gaps: [] };
  const gap = (reason: TailGap['reason'], file: string | null, message: string, extra: Partial<TailGap> = {}): void => {
    plan.gaps.push({ before: plan.steps.length, gap: { reason, file, bytes: null, ...extra }, message });
  };
  const unreadable = (s: Sibling): void => {
    gap('unreadable', s.name, `${s.name} cannot be read here (${s.compression ? `no ${s.compression} decompressor` : 'unreadable'}): its ${n(s.size)} bytes${s.compression ? ' (compressed)' : ''} of lines are skipped`, { bytes: s.contentSize >= 0 ? s.contentSize : null });
  };
  if (input.listedBefore) {
    const known = input.listedBefore;
    const inodes = new Set(known.map((s) => s.inode));
    const sameContent = (s: Sibling): boolean => s.compression !== null && s.contentSize >= 0 && known.some((k) => k.head === s.head && k.contentSize === s.contentSize);
    for (const s of ordered) {
      if (inodes.has(s.inode) || s.inode === input.currentInode || s.inode === pos.inode || sameContent(s)) continue;
      if (s.readable) plan.steps.push({ sibling: s, from: 0, previous: false, follow: false });
      else unreadable(s);
    }
    return plan;
  }
  // the previous generation: by inode (renamed), else by its first bytes (compressed, or copied)
  let previous: Sibling | undefined = copies ? undefined : ordered.find((s) => s.compression === null && s.inode === pos.inode);
  if (!previous && pos.head) {
    // a rename keeps the size; a copy may be shorter than what was read before the truncation
    previous = ordered.filter((s) => s.readable && s.head.startsWith(pos.head) && s.inode !== pos.inode && s.inode !== input.currentInode
      && (copies || s.contentSize < 0 || s.contentSize >= pos.offset)).pop();
  }
  plan.previousName = previous?.name ?? null;
  if (previous && input.alreadyRead?.has(previous.inode)) return plan;
  if (!previous) {
    if (why === 'truncate') {
      const readUpTo = Math.max(input.readUpTo ?? pos.offset, pos.offset);
      const lost = (input.lastSize ?? 0) > readUpTo ? input.lastSize! - readUpTo : null;
      gap('truncated', base, `${base} was truncated and no copy of it was found next to it (no rotated file starts with its first bytes): ${lost !== null ? `${n(lost)} bytes after byte ${n(readUpTo)} were not read and are lost` : `lines written after byte ${n(readUpTo)} before the truncation, if any, are lost`}`, { fromByte: readUpTo, bytes: lost });
    } else if (why === 'resume') {
      gap('not-found', null, `${base} was rotated while disconnected and the file that was being read (from byte ${n(pos.offset)} on) was not found next to it${ordered.length ? ` among ${ordered.length} rotated file(s)` : ''}: lines written to it after that, and to any file rotated in between, are missing (size unknown)`, { fromByte: pos.offset });
    }
    // rename: the previous file is read through its open descriptor wherever it went
    return plan;
  }
  const step = (sibling: Sibling, from: number, isPrevious: boolean): void => {
    plan.steps.push({ sibling, from, previous: isPrevious, follow: sibling.compression === null && !copies });
  };
  if (why !== 'rename') step(previous, pos.offset, true);
  if (why === 'truncate') {
    const readUpTo = Math.max(input.readUpTo ?? pos.offset, pos.offset);
    const copied = previous.contentSize;
    if (copied >= 0 && (input.lastSize ?? 0) > Math.max(copied, readUpTo)) {
      const lost = input.lastSize! - Math.max(copied, readUpTo);
      gap('copytruncate-window', base, `${n(lost)} bytes written to ${base} after it was copied to ${previous.name} and before it was truncated are lost (copytruncate's window)`, { fromByte: Math.max(copied, readUpTo), bytes: lost });
    }
  }
  // the file read after the plan may itself have been rotated meanwhile (renamed to error.log.1
  // while the old one was still read): the generations in between end there
  const next = copies ? -1 : ordered.findIndex((s) => s.inode === input.currentInode);
  const between = ordered.slice(ordered.indexOf(previous) + 1, next > ordered.indexOf(previous) ? next : undefined);
  // numbered generations shift by one per rotation: a number missing in between is a lost generation
  const numbered = /^\.(\d+)$/.exec(rotatedSuffix(base, previous.name)!);
  const stop = next >= 0 ? /^\.(\d+)$/.exec(rotatedSuffix(base, ordered[next]!.name)!) : null;
  let expect = numbered && between.every((s) => /^\.\d+$/.test(rotatedSuffix(base, s.name)!)) && (next < 0 || stop) ? Number(numbered[1]) - 1 : 0;
  const missingDown = (to: number): void => {
    for (; expect > to; expect--) gap('missing-generation', `${base}.${expect}`, `${base}.${expect} is gone: the lines of the generation it held, between ${previous!.name} and ${base}, are missing (size unknown)`);
  };
  for (const s of between) {
    if (expect) {
      missingDown(Number(rotatedSuffix(base, s.name)!.slice(1)));
      expect--;
    }
    if (s.readable) step(s, 0, false);
    else unreadable(s);
  }
  missingDown(stop ? Number(stop[1]) : 0);
  return plan;
}

/**
 * The notice shown when a rotation is noticed: what was seen and what will be read, in order. A
 * rename is noticed before its plan exists (the old file is read on first): no plan then.
 */
export function rotationMessage(path: string, why: RecoveryInput['why'], plan: RecoveryPlan | null, quietMs: number): string {
  const quiet = quietMs % 1000 === 0 ? `${quietMs / 1000} s` : `${(quietMs / 1000).toFixed(1)} s`;
  if (!plan) return `${path} was rotated (renamed); reading the old file on until it has been quiet for ${quiet} after the new file's first line, then the new file`;
  const rest = plan.steps.filter((s) => !s.previous).map((s) => s.sibling.name);
  const then = `${rest.length ? `, then ${rest.join(', then ')}` : ''}, then the ${why === 'truncate' ? 'file from its start' : 'new file'}`;
  if (why === 'rename') return `${path}: reading ${rest.join(', then ')}, rotated meanwhile, before the new file`;
  if (why === 'truncate' && plan.steps.length && !plan.steps.some((s) => s.previous)) return `${path} was truncated again (copytruncate) before it was read: reading ${rest.join(', then ')} first, then the file from its start`;
  const prev = plan.steps.find((s) => s.previous);
  const first = prev ? `; reading the rest of ${prev.sibling.name}${prev.from ? ` from byte ${n(prev.from)}` : ''} first` : '';
  if (why === 'truncate') return `${path} was truncated (copytruncate)${first}${then}`;
  return `${path} was rotated while disconnected${first}${then}`;
}
