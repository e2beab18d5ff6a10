// What stands at an offset of a config file: the enclosing blocks and their context, the statement
// being typed (its words, which one the cursor is in) and whether the cursor is in a comment or in
// a raw Lua body. Built from the file's own tokens, so it works while a statement is unfinished.
import { lex } from '../syntax/lexer';
import type { Directive, ParsedFile } from '../syntax/ast';
import type { Token } from '../syntax/token';
import type { BlockKind, Catalog } from '../catalog/catalog';
import type { ConfigSet } from '../workspace/config-set';

export interface Cursor {
  offset: number;
  /** Block directives around the offset, outermost first. */
  enclosing: Directive[];
  /** The context a directive at the offset would stand in. */
  ctx: BlockKind;
  /** Word and string tokens of the statement at the offset (up to its ";", "{" or "}"). */
  words: Token[];
  /** Index in `words` of the token the offset touches; words.length-ish index of a new word otherwise. */
  index: number;
  /** The token the offset is in or at the end of (start <= offset <= end). */
  token: Token | null;
  /** Raw text of `token` from its start to the offset. */
  prefix: string;
  inComment: boolean;
  /** Inside a *_by_lua_block body. */
  inRaw: boolean;
}

/** The context a file's top-level directives stand in, as its config set sees it. */
export function fileContext(set: ConfigSet | undefined, path: string): BlockKind {
  if (!set) return 'main';
  if (set.rootPath === path) return set.startContext;
  for (const ref of set.includes) if (ref.files.includes(path)) return ref.node.ctx;
  return set.startContext;
}

/** Block directives whose body contains the offset, outermost first. */
export function enclosingBlocks(file: ParsedFile, offset: number): Directive[] {
  const out: Directive[] = [];
  let list = file.directives;
  for (;;) {
    const d = list.find((x) => x.block && x.block.start < offset && (x.block.end === null || offset < x.block.end));
    if (!d) return out;
    out.push(d);
    list = d.block!.children;
  }
}

/** The context inside the given blocks, starting from the file's top-level context. */
export function contextOf(enclosing: readonly Directive[], top: BlockKind, catalog: Catalog): BlockKind {
  let ctx = top;
  for (const d of enclosing) ctx = ctx === 'unknown' ? 'unknown' : catalog.bodyKind(d.name, ctx);
  return ctx;
}

export function cursorAt(file: ParsedFile, offset: number, top: BlockKind, catalog: Catalog, tokens?: Token[]): Cursor {
  const text = file.source.text;
  const toks = tokens ?? lex(text).tokens;
  const enclosing = enclosingBlocks(file, offset);
  const ctx = contextOf(enclosing, top, catalog);
  let inComment = false;
  // Statement boundaries: the last ";", "{", "}" before the offset, and the first at or after it.
  let first = 0;
  let i = 0;
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'comment' && t.start < offset && offset <= t.end) inComment = true;
    if (t.start >= offset && !(t.start === offset && (t.kind === 'word' || t.kind === 'string'))) break;
    if (t.kind === 'semicolon' || t.kind === 'lbrace' || t.kind === 'rbrace' || t.kind === 'raw') {
      if (t.end <= offset) first = i + 1;
    }
  }
  // A raw Lua body spans from just after "{" to just before "}": the offset is inside it.
  const inRaw = toks.some((t) => t.kind === 'raw' && t.start <= offset && offset <= t.end);
  const words: Token[] = [];
  let index = -1;
  let token: Token | null = null;
  // Words on later lines belong to the next statement while this one is being typed
  // ("proxy_read_t|" above "proxy_http_version 1.1;" is not one statement of three words).
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  for (let j = first; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.kind === 'comment') continue;
    if (t.kind !== 'word' && t.kind !== 'string') break;
    if (t.start > lineEnd) break;
    if (t.start <= offset && offset <= t.end && token === null) {
      token = t;
      index = words.length;
    }
    words.push(t);
  }
  if (token === null) index = words.filter((w) => w.end < offset).length;
  const prefix = token ? text.slice(token.start, offset) : '';
  return { offset, enclosing, ctx, words, index, token, prefix, inComment, inRaw };
}
