// Adds proxy_set_header lines without breaking nginx's inheritance: a block that sets any
// proxy_set_header loses every header set above it, so when the block has none of its own yet,
// the inherited headers are copied down together with the new ones.
import type { TextEdit } from '../diagnostic';
import type { ConfigNode } from '../workspace/config-set';
import type { Model } from '../model/model';
import { insertAfter, insertIntoBlock, quoteArg } from './builders';
import { editableBlock } from './guard';

/** True when a directive is a complete simple statement: ended by ";", no block. */
export function completeStatement(node: ConfigNode): boolean {
  return node.d.terminator === ';' && !node.d.block;
}

/**
 * Source text of a directive, e.g. `proxy_set_header Host $host;`. Only a complete statement is
 * copied as written. One that opens a block or was cut off (broken syntax) is rebuilt from its
 * name and arguments, quoted where needed: its raw text may run on to the end of the file or hold
 * the very block being fixed.
 */
export function directiveText(node: ConfigNode): string {
  if (completeStatement(node)) return node.file.source.text.slice(node.d.start, node.d.end);
  return `${[node.d.name, ...node.d.args.map((a) => a.value)].map(quoteArg).join(' ')};`;
}

/**
 * Edits that add `lines` (full directive texts) to `block`, next to its proxy_pass if it has one.
 * `directive` is the list directive whose inheritance must be preserved.
 */
export function addListDirectives(model: Model, block: ConfigNode, lines: string[], directive = 'proxy_set_header'): TextEdit | null {
  if (!editableBlock(block)) return null;
  const own = model.directivesIn(block, directive);
  // Only lines written in the block itself: one from an included snippet is shared with
  // every other block that includes it.
  const written = own.filter((n) => writtenIn(n, block));
  if (written.length) return insertAfter(written[written.length - 1]!, lines);
  if (own.length) return addDirectives(model, block, lines);
  const inherited = model.effective(block.parent, directive).nodes.filter((n) => !lines.some((l) => sameHeader(l, n)));
  // an inherited line that is broken cannot be copied faithfully
  if (!inherited.every(completeStatement)) return null;
  const all = [...inherited.map(directiveText), ...lines];
  const anchor = model.directivesIn(block, 'proxy_pass')[0] ?? model.directivesIn(block, 'grpc_pass')[0];
  if (anchor && anchor.file === block.file) return insertAfter(anchor, all);
  return insertIntoBlock(block, all);
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
  if (!editableBlock(block)) return [];
  const edits: TextEdit[] = [];
  const add: string[] = [];
  for (const [name, value] of headers) {
    const own = model.directivesIn(block, directive).find((n) => writtenIn(n, block) && n.d.args[0]?.value.toLowerCase() === name.toLowerCase());
    const arg = own?.d.args[1];
    if (own && arg) edits.push({ file: own.file.source.path, start: arg.start, end: arg.end, newText: value });
    else add.push(`${directive} ${name} ${value};`);
  }
  const inserted = add.length ? addListDirectives(model, block, add, directive) : null;
  if (inserted) edits.push(inserted);
  return edits;
}

/** The block a fix for a directive inside "if" or "limit_except" goes to: the enclosing location. */
export function fixBlock(node: ConfigNode): ConfigNode | null {
  let b = node.parent;
  while (b && (b.body === 'if_location' || b.body === 'limit_except' || b.body === 'if_server')) b = b.parent;
  return b;
}
