// Expands include globs the way nginx does (glob(3) with "*", "?" and "[...]"), results sorted.
import type { FileHost } from '../host';
import { normalize } from '../util/path';

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp('^' + re + '$');
  } catch {
    // a bracket expression JS rejects ("[z-a]"): glob(3) matches no name with it either
    return /(?!)/;
  }
}

/** Absolute paths matching an absolute glob pattern, sorted byte-wise as glob(3) in the C locale. */
export function expandGlob(host: FileHost, pattern: string): string[] {
  const segs = normalize(pattern).split('/');
  let current = [segs[0] === '' ? '' : segs[0]!];
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    const next: string[] = [];
    for (const dir of current) {
      const base = dir === '' ? '/' : dir;
      if (!hasGlob(seg)) {
        next.push(`${dir}/${seg}`);
        continue;
      }
      const re = segmentRegex(seg);
      for (const name of host.listDir(base) ?? []) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (!re.test(name)) continue;
        const p = `${dir}/${name}`;
        if (!last && !host.isDirectory(p)) continue;
        next.push(p);
      }
    }
    current = next;
  }
  return current.filter((p) => !host.isDirectory(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
