// Expands include globs the way nginx does (glob(3) with "*", "?" and "[...]"), results sorted,
// with bounded work on hostile trees (docs/security.md, "glob bombs"): the expansion is
// iterative (one level of the pattern at a time), each directory is listed once per glob (by
// device and inode when the host can tell, so links like `a -> .` cannot multiply the work),
// names are matched by a linear-time wildcard matcher, and the matches and directory listings
// of one glob are capped. What was cut is returned so the include line can say so.
import type { FileHost } from '../host';
import { normalize } from '../util/path';

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Work an include may cause (docs/security.md); tests lower them. */
export interface IncludeLimits {
  /** Paths one glob may match; later matches are not read. */
  globMatches: number;
  /** Directories one glob may list. */
  globDirs: number;
  /** Distinct files one config (root and includes) may read. */
  unitFiles: number;
  /** Files one config may include in all (a file included twice counts twice). */
  inclusions: number;
}

export const INCLUDE_LIMITS: IncludeLimits = { globMatches: 20_000, globDirs: 20_000, unitFiles: 50_000, inclusions: 200_000 };

export interface GlobResult {
  /** Matching paths (files and whatever the host could not tell from a directory), sorted. */
  paths: string[];
  /** Directories reached again through a link below themselves (`a -> .`): listed once. */
  loops: string[];
  /** Directories reached twice on different paths (two links to one directory): listed once. */
  repeats: string[];
  /** Which cap stopped the expansion, if one did. */
  capped: 'matches' | 'dirs' | null;
}

type Tok = { star: true } | { star: false; test: (c: number) => boolean };

/** One path segment of a glob as tokens; null when it can match nothing (a bad range). */
function compileSegment(seg: string): Tok[] | null {
  const out: Tok[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') {
      if (!out.length || !out[out.length - 1]!.star) out.push({ star: true });
    } else if (c === '?') out.push({ star: false, test: () => true });
    else if (c === '[' && seg.indexOf(']', i + 2) >= 0) {
      const close = seg.indexOf(']', i + 2);
      let body = seg.slice(i + 1, close);
      let negated = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negated = true;
        body = body.slice(1);
      }
      const ranges: [number, number][] = [];
      for (let k = 0; k < body.length; k++) {
        const lo = body.charCodeAt(k);
        if (body[k + 1] === '-' && k + 2 < body.length) {
          const hi = body.charCodeAt(k + 2);
          if (hi < lo) return null; // glob(3) matches no name with "[z-a]"
          ranges.push([lo, hi]);
          k += 2;
        } else ranges.push([lo, lo]);
      }
      out.push({ star: false, test: (x) => ranges.some(([lo, hi]) => x >= lo && x <= hi) !== negated });
      i = close;
    } else {
      const code = c.charCodeAt(0);
      out.push({ star: false, test: (x) => x === code });
    }
  }
  return out;
}

/** Wildcard match in O(name x pattern): on a mismatch, only the last "*" takes one more character. */
function matches(toks: Tok[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starT = -1;
  let starN = 0;
  while (n < name.length) {
    const tok = toks[t];
    if (tok && !tok.star && tok.test(name.charCodeAt(n))) {
      t++;
      n++;
    } else if (tok && tok.star) {
      starT = t++;
      starN = n;
    } else if (starT >= 0) {
      t = starT + 1;
      n = ++starN;
    } else return false;
  }
  while (t < toks.length && toks[t]!.star) t++;
  return t === toks.length;
}

/** Whether a single name matches one glob segment (for other users of include patterns). */
export function matchesSegment(seg: string, name: string): boolean {
  const toks = compileSegment(seg);
  return toks !== null && matches(toks, name);
}

/**
 * Paths matching a glob pattern, sorted byte-wise as glob(3) in the C locale. A relative pattern
 * is expanded from the host's current directory and gives relative paths.
 */
export function expandGlob(host: FileHost, pattern: string, limits: IncludeLimits = INCLUDE_LIMITS): GlobResult {
  const result: GlobResult = { paths: [], loops: [], repeats: [], capped: null };
  const segs = normalize(pattern).split('/');
  // '' stands for "/" (an absolute pattern), '.' for the current directory (a relative one)
  let current: string[];
  let first: number;
  if (segs[0] === '' || /^[A-Za-z]:$/.test(segs[0]!)) {
    current = [segs[0]!];
    first = 1;
  } else {
    current = ['.'];
    first = 0;
  }
  const childOf = (dir: string, name: string): string => (dir === '.' ? name : `${dir}/${name}`);
  const idOf = (p: string): string => host.identity?.(p === '' ? '/' : p) ?? normalize(p === '' ? '/' : p);
  /** Directory identity -> the path it was first reached as: each directory is taken once. */
  const seen = new Map<string, string>();
  /** False when a directory was reached again: a loop when it is below its first path, else a repeat. */
  const firstVisit = (dir: string): boolean => {
    const id = idOf(dir);
    const before = seen.get(id);
    if (before === undefined) {
      seen.set(id, dir);
      return true;
    }
    if (before !== dir) (before === '.' || before === '' || dir.startsWith(`${before}/`) ? result.loops : result.repeats).push(dir);
    return false;
  };
  firstVisit(current[0]!);
  let listed = 0;
  let complete = true;
  outer: for (let i = first; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    const next: string[] = [];
    if (!hasGlob(seg)) {
      for (const dir of current) next.push(childOf(dir, seg));
      current = next;
      continue;
    }
    const toks = compileSegment(seg);
    for (const dir of current) {
      if (!toks) break;
      if (!seen.has(idOf(dir))) seen.set(idOf(dir), dir); // reached through literal segments
      if (++listed > limits.globDirs) {
        result.capped = 'dirs';
        current = next;
        complete = last;
        break outer;
      }
      for (const name of host.listDir(dir === '' ? '/' : dir) ?? []) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (!matches(toks, name)) continue;
        const p = childOf(dir, name);
        if (!last && (!host.isDirectory(p) || !firstVisit(p))) continue;
        if (next.length >= limits.globMatches) {
          result.capped = 'matches';
          current = next;
          complete = last;
          break outer;
        }
        next.push(p);
      }
    }
    current = next;
  }
  // cut short before the last segment: the paths found are directories on the way, not matches
  if (!complete) return result;
  result.paths = current.filter((p) => !host.isDirectory(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return result;
}
