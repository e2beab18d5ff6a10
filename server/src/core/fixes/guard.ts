// Where a fix may edit. nginx reads the body of geo/map/types/split_clients as data, a
// *_by_lua_block as code, and a block opened by a directive that takes none ("proxy_set_header
// X {", a syntax error) not at all: a directive inside such a body is not a directive, so fixes
// must neither insert there, nor edit there, nor copy text out of it. Where the parser recovered
// from an error (a block not closed before the end of the file, a statement cut off without ";")
// an inserted line would only join the broken text. The builders refuse such targets where they
// can (`editableBlock`); `fixAllowed` is the net for every fix a rule builds, applied by fixAll,
// the quick fixes and the explain report.
import type { Fix } from '../diagnostic';
import type { BlockKind } from '../catalog/catalog';
import type { ConfigNode, ConfigSet } from '../workspace/config-set';
import { lex } from '../syntax/lexer';

const NOT_DIRECTIVES: ReadonlySet<BlockKind> = new Set<BlockKind>(['data', 'raw', 'unknown']);

/** True when a block kind holds directives nginx parses as such (not data, code or a broken block). */
export function holdsDirectives(kind: BlockKind | null): boolean {
  return kind !== null && !NOT_DIRECTIVES.has(kind);
}

/** True when the node and every block around it stand where nginx reads directives. */
export function inDirectiveContext(node: ConfigNode): boolean {
  for (let n: ConfigNode | null = node; n; n = n.parent) {
    if (NOT_DIRECTIVES.has(n.ctx)) return false;
  }
  return true;
}

/** A block fixes may add directives to: it holds directives and stands in a directive context. */
export function editableBlock(block: ConfigNode): boolean {
  return holdsDirectives(block.body) && inDirectiveContext(block);
}

/** Offsets no edit may touch: an edit ending at or before `open`, or starting after `close`, is outside. */
interface Region {
  /** Offset of "{" (or of a cut-off directive's start). */
  open: number;
  /** Offset of "}" (the file's end when the block is not closed; a cut-off directive's end). */
  close: number;
}

const WHOLE_FILE: Region = { open: -1, close: Number.MAX_SAFE_INTEGER };
const regionsBySet = new WeakMap<ConfigSet, Map<string, Region[]>>();

function regions(set: ConfigSet): Map<string, Region[]> {
  let map = regionsBySet.get(set);
  if (map) return map;
  const out = new Map<string, Region[]>();
  const add = (path: string, r: Region): void => {
    const list = out.get(path);
    if (list) list.push(r);
    else out.set(path, [r]);
  };
  for (const n of set.all) {
    const path = n.file.source.path;
    // a file included into such a body ("geo $g { include ranges.conf; }") is data as a whole
    if (n.via && NOT_DIRECTIVES.has(n.ctx)) out.set(path, [WHOLE_FILE]);
    if (out.get(path)?.[0] === WHOLE_FILE) continue;
    const d = n.d;
    // cut off by "}" or the end of the file: text added after it would become its arguments
    if (d.terminator === null) add(path, { open: d.start, close: d.end });
    const b = d.block;
    if (!b || (holdsDirectives(n.body) && b.end !== null)) continue;
    // a block inside one already listed adds nothing
    if (n.parent && !holdsDirectives(n.parent.body) && n.parent.file === n.file) continue;
    add(path, { open: b.start, close: b.end === null ? Number.MAX_SAFE_INTEGER : b.end - 1 });
  }
  regionsBySet.set(set, out);
  return out;
}

/**
 * True when inserted text cannot swallow what follows it: no unterminated quote, balanced braces,
 * and a trailing comment only where the line ends anyway.
 */
function selfContained(newText: string, text: string, at: number): boolean {
  if (!/["'{}#\\]/.test(newText)) return true;
  const r = lex(newText);
  if (r.problems.length) return false;
  let depth = 0;
  for (const t of r.tokens) {
    if (t.kind === 'lbrace') depth++;
    else if (t.kind === 'rbrace' && --depth < 0) return false;
  }
  if (depth !== 0) return false;
  const last = r.tokens[r.tokens.length - 1];
  if (last?.kind === 'comment' && !/[\r\n]/.test(newText.slice(last.end))) return at === text.length || text[at] === '\n' || text[at] === '\r';
  return true;
}

/**
 * True when every edit of the fix lies inside a file of the set, outside every body that does not
 * hold directives or is not closed (inserting right before its "{" or after its "}" is fine), and
 * not at or inside a statement that was cut off.
 */
export function fixAllowed(set: ConfigSet, fix: Fix): boolean {
  const all = regions(set);
  for (const e of fix.edits) {
    const file = set.files.get(e.file);
    if (!file || !(0 <= e.start && e.start <= e.end && e.end <= file.source.text.length)) return false;
    if (!selfContained(e.newText, file.source.text, e.end)) return false;
    for (const r of all.get(e.file) ?? []) {
      if (e.start <= r.close && e.end > r.open) return false;
    }
  }
  return true;
}
