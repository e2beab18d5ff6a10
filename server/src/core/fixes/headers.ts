// Adds proxy_set_header lines without breaking nginx's inheritance: a block that sets any
// proxy_set_header loses every header set above it, so when the block has none of its own yet,
// the inherited headers are copied down together with the new ones (an inherited
// `include snippets/proxy-headers.conf;` is repeated as that include: inherited-lines.ts).
import type { TextEdit } from '../diagnostic';
import type { ConfigNode } from '../workspace/config-set';
import type { Model } from '../model/model';
import { insertAfter, insertIntoBlock } from './builders';
import { completeStatement, copyInherited } from './inherited-lines';
import { editableBlock } from './guard';

export { completeStatement, directiveText } from './inherited-lines';

/** An edit that adds list directives, and the inherited lines it repeats with them (see inheritedNote). */
export interface ListEdit {
  edit: TextEdit;
  /** A short name per inherited line repeated: a header name, or "include <file>". */
  copied: string[];
}

/**
 * Edits that add `lines` (full directive texts) to `block`, next to its proxy_pass if it has one.
 * `directive` is the list directive whose inheritance must be preserved: when the block has no
 * list of its own yet, the inherited lines are repeated with the new ones (an inherited include
 * as that include).
 */
export function addListLines(model: Model, block: ConfigNode, lines: string[], directive = 'proxy_set_header'): ListEdit | null {
  if (!editableBlock(block)) return null;
  if (model.directivesIn(block, directive).length) {
    const edit = addToOwnList(model, block, lines, directive);
    return edit ? { edit, copied: [] } : null;
  }
  const inherited = model.effective(block.parent, directive).nodes.filter((n) => !lines.some((l) => sameHeader(l, n)));
  // an inherited line that is broken cannot be copied faithfully
  if (!inherited.every(completeStatement)) return null;
  const copy = copyInherited(model, block, inherited, lines, directive);
  const all = [...copy.lines, ...lines];
  const anchor = model.directivesIn(block, 'proxy_pass')[0] ?? model.directivesIn(block, 'grpc_pass')[0];
  const edit = anchor && anchor.file === block.file ? insertAfter(anchor, all) : insertIntoBlock(block, all);
  return edit ? { edit, copied: copy.names } : null;
}

/**
 * Adds lines to a block that has a list of its own: after its last line written there, else (its
 * list comes from an included snippet) after its proxy_pass. Every fix that adds to a block's
 * list goes through here, so two of them in one Fix all round aim at the same place and wait for
 * each other instead of adding the same header twice.
 */
export function addToOwnList(model: Model, block: ConfigNode, lines: string[], directive = 'proxy_set_header'): TextEdit | null {
  if (!editableBlock(block)) return null;
  // Only lines written in the block itself: one from an included snippet is shared with
  // every other block that includes it.
  const written = model.directivesIn(block, directive).filter((n) => writtenIn(n, block));
  if (written.length) return insertAfter(written[written.length - 1]!, lines);
  return addDirectives(model, block, lines);
}

/** addListLines without the names of what it repeats. */
export function addListDirectives(model: Model, block: ConfigNode, lines: string[], directive = 'proxy_set_header'): TextEdit | null {
  return addListLines(model, block, lines, directive)?.edit ?? null;
}

/**
 * The part of a fix title that says which inherited lines the fix repeats besides the ones it
 * names (empty when none), after any `extras`: ` (and repeat the inherited "include snippets/proxy-headers.conf;")`.
 */
export function inheritedNote(copied: readonly string[], extras: readonly string[] = []): string {
  const includes = copied.filter((c) => c.startsWith('include ')).map((c) => `"${c};"`);
  const headers = copied.filter((c) => !c.startsWith('include '));
  const parts = [
    ...extras,
    ...(includes.length ? [`repeat the inherited ${includes.join(', ')}`] : []),
    ...(headers.length ? [`copy the inherited ${headers.join(', ')} down`] : []),
  ];
  return parts.length ? ` (and ${parts.join(' and ')})` : '';
}

/** True when the directive is written in the block's own text (not brought in by an include). */
export function writtenIn(node: ConfigNode, block: ConfigNode): boolean {
  return node.parent === block && node.via === null && node.file === block.file;
}

function sameHeader(line: string, node: ConfigNode): boolean {
  const name = /^\S+\s+("?)([^\s"]+)\1/.exec(line)?.[2];
  return !!name && name.toLowerCase() === node.d.args[0]?.value.toLowerCase();
}

/** Adds simple directives (proxy_http_version 1.1;) to a block, after its proxy_pass if any. */
export function addDirectives(model: Model, block: ConfigNode, lines: string[]): TextEdit | null {
  if (!editableBlock(block)) return null;
  const anchor = model.directivesIn(block, 'proxy_pass')[0];
  if (anchor && anchor.file === block.file) return insertAfter(anchor, lines);
  return insertIntoBlock(block, lines);
}

/**
 * Edits that make `name value` hold in a block: the block's own directive of that name gets the
 * new value (adding another would be "duplicate"), otherwise a new line is added.
 */
export function setDirectives(model: Model, block: ConfigNode, settings: [name: string, value: string][]): TextEdit[] {
  if (!editableBlock(block)) return [];
  const edits: TextEdit[] = [];
  const add: string[] = [];
  for (const [name, value] of settings) {
    const any = model.directivesIn(block, name);
    const own = any.find((n) => writtenIn(n, block));
    const args = own?.d.args;
    if (own && args?.length) edits.push({ file: own.file.source.path, start: args[0]!.start, end: args[args.length - 1]!.end, newText: value });
    // Set by an included snippet at this level: a second one would be "duplicate", and editing
    // the snippet would change every block that includes it, so there is no safe edit.
    else if (any.length) return [];
    else add.push(`${name} ${value};`);
  }
  const inserted = add.length ? addDirectives(model, block, add) : null;
  if (inserted) edits.push(inserted);
  return edits;
}

/** Like addListDirectives, but a header the block already sets gets its value replaced. */
export function setHeaders(model: Model, block: ConfigNode, headers: [name: string, value: string][], directive = 'proxy_set_header'): TextEdit[] {
  return setHeaderLines(model, block, headers, directive).edits;
}

/** setHeaders, with the names of the inherited lines it repeats (for the fix's title: inheritedNote). */
export function setHeaderLines(model: Model, block: ConfigNode, headers: [name: string, value: string][], directive = 'proxy_set_header'): { edits: TextEdit[]; copied: string[] } {
  if (!editableBlock(block)) return { edits: [], copied: [] };
  const edits: TextEdit[] = [];
  const add: string[] = [];
  for (const [name, value] of headers) {
    const own = model.directivesIn(block, directive).find((n) => writtenIn(n, block) && n.d.args[0]?.value.toLowerCase() === name.toLowerCase());
    const arg = own?.d.args[1];
    if (own && arg) edits.push({ file: own.file.source.path, start: arg.start, end: arg.end, newText: value });
    else add.push(`${directive} ${name} ${value};`);
  }
  const inserted = add.length ? addListLines(model, block, add, directive) : null;
  if (inserted) edits.push(inserted.edit);
  return { edits, copied: inserted?.copied ?? [] };
}

/** The block a fix for a directive inside "if" or "limit_except" goes to: the enclosing location. */
export function fixBlock(node: ConfigNode): ConfigNode | null {
  let b = node.parent;
  while (b && (b.body === 'if_location' || b.body === 'limit_except' || b.body === 'if_server')) b = b.parent;
  return b;
}
