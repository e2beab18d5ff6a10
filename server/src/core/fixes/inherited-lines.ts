// Writes inherited list directives (proxy_set_header ...) again in a block that is about to get a
// list of its own, the way the outer level wrote them: a line written there is copied, and lines
// that came from `include snippets/proxy-headers.conf;` there become that same include again, in
// the same order, instead of the snippet's lines pasted in. An include is repeated only when it
// brings nothing the block would then get twice or differently; otherwise its lines are copied.
import type { ConfigNode } from '../workspace/config-set';
import type { Model } from '../model/model';
import { quoteArg } from './builders';

/** Inherited lines written out again: the text lines, and a short name for each (a header name or "include <file>"). */
export interface CopiedLines {
  lines: string[];
  names: string[];
}

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

/** The include written in the node's block that brought it in (through nested includes), or null when the node is written there. */
export function writtenInclude(node: ConfigNode): ConfigNode | null {
  let inc: ConfigNode | null = null;
  for (let v = node.via; v; v = v.via) inc = v;
  return inc;
}

// Directives a repeated include may also bring when the block already gets the very same line by
// inheritance: per-location settings of the proxy modules (never a *_pass or a cache path, which
// would change what the block does or is not allowed there).
const HARMLESS = /^(proxy|grpc|fastcgi|uwsgi|scgi)_(?!pass$|cache_path$|temp_path$)/;

/**
 * The inherited `nodes` (all standing in one outer level, in order) as lines for `block`, whose
 * new lines `added` (full directive texts) are added with them.
 */
export function copyInherited(model: Model, block: ConfigNode, nodes: readonly ConfigNode[], added: readonly string[], directive: string): CopiedLines {
  const copied = new Set(nodes);
  const addedNames = new Set(added.map((l) => /^\S+/.exec(l)?.[0] ?? ''));
  const verdicts = new Map<ConfigNode, boolean>();
  const out: CopiedLines = { lines: [], names: [] };
  for (const n of nodes) {
    const inc = writtenInclude(n);
    if (inc) {
      let ok = verdicts.get(inc);
      if (ok === undefined) {
        verdicts.set(inc, (ok = completeStatement(inc) && repeatable(model, inc, block, copied, addedNames, directive)));
        if (ok) {
          out.lines.push(directiveText(inc));
          out.names.push(`include ${inc.d.args[0]!.value}`);
        }
      }
      if (ok) continue;
    }
    out.lines.push(directiveText(n));
    out.names.push(n.d.args[0]?.value ?? n.d.name);
  }
  return out;
}

/**
 * True when writing `inc` again in `block` gives the block exactly the inherited lines being
 * copied and nothing else it does not already have: every `directive` it brings is one of them,
 * and anything else is a harmless setting the block does not set itself and already inherits
 * from this very line, and not one the fix adds.
 */
function repeatable(model: Model, inc: ConfigNode, block: ConfigNode, copied: ReadonlySet<ConfigNode>, addedNames: ReadonlySet<string>, directive: string): boolean {
  for (const n of model.children(inc.parent)) {
    if (n === inc || writtenInclude(n) !== inc) continue;
    if (n.d.block) return false;
    if (n.d.name === 'include') continue;
    if (n.d.name === directive) {
      if (!copied.has(n)) return false;
      continue;
    }
    if (addedNames.has(n.d.name) || !HARMLESS.test(n.d.name)) return false;
    if (model.directivesIn(block, n.d.name).length || !model.effectiveNodes(block, n.d.name).includes(n)) return false;
  }
  return true;
}
