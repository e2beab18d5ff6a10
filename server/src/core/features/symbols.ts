// The outline of a file (http, server with its names and listen addresses, location, upstream,
// map ...) and the symbols of a whole config set for workspace symbol search.
import type { Directive, ParsedFile } from '../syntax/ast';
import type { ConfigSet } from '../workspace/config-set';

export type OutlineKind = 'namespace' | 'server' | 'location' | 'named-location' | 'upstream' | 'variable' | 'condition' | 'block' | 'lua';

export interface OutlineEntry {
  name: string;
  detail: string;
  kind: OutlineKind;
  /** The whole directive, block included. */
  start: number;
  end: number;
  /** The part to select and reveal: the name and arguments. */
  selStart: number;
  selEnd: number;
  children: OutlineEntry[];
}

const NAMESPACES = new Set(['http', 'events', 'stream', 'mail']);
const VARIABLE_BLOCKS = new Set(['map', 'geo', 'split_clients', 'perl_set', 'js_set']);
const OTHER_BLOCKS = new Set(['types', 'limit_except', 'match', 'charset_map']);

function args(d: Directive): string {
  return d.args.map((a) => a.value).join(' ');
}

function entry(d: Directive): Omit<OutlineEntry, 'children'> | null {
  const base = { start: d.start, end: d.end, selStart: d.nameStart, selEnd: d.headEnd };
  if (NAMESPACES.has(d.name)) return { ...base, name: d.name, detail: '', kind: 'namespace' };
  if (d.name === 'server') {
    const kids = d.block?.children ?? [];
    const names = kids.filter((k) => k.name === 'server_name').flatMap((k) => k.args.map((a) => a.value));
    const listens = kids.filter((k) => k.name === 'listen').map((k) => args(k));
    const name = names.length ? `server ${names.join(' ')}` : listens.length ? `server ${listens[0]}` : 'server';
    return { ...base, name, detail: listens.length ? `listen ${listens.join(', ')}` : '', kind: 'server' };
  }
  if (d.name === 'location') {
    const a = args(d);
    return { ...base, name: `location ${a}`, detail: '', kind: a.startsWith('@') ? 'named-location' : 'location' };
  }
  if (d.name === 'upstream') {
    const servers = (d.block?.children ?? []).filter((k) => k.name === 'server').length;
    return { ...base, name: `upstream ${args(d)}`, detail: `${servers} server${servers === 1 ? '' : 's'}`, kind: 'upstream' };
  }
  if (VARIABLE_BLOCKS.has(d.name)) return { ...base, name: `${d.name} ${args(d)}`, detail: '', kind: 'variable' };
  if (d.name === 'if') return { ...base, name: `if ${args(d)}`, detail: '', kind: 'condition' };
  if (/_by_lua_block$/.test(d.name)) return { ...base, name: d.name, detail: 'Lua', kind: 'lua' };
  if (OTHER_BLOCKS.has(d.name)) return { ...base, name: `${d.name}${d.args.length ? ' ' + args(d) : ''}`, detail: '', kind: 'block' };
  return null;
}

function build(list: readonly Directive[]): OutlineEntry[] {
  const out: OutlineEntry[] = [];
  for (const d of list) {
    if (!d.block) continue;
    const e = entry(d);
    const children = build(d.block.children);
    if (e) out.push({ ...e, children });
    else out.push(...children);
  }
  return out;
}

export function documentSymbols(file: ParsedFile): OutlineEntry[] {
  return build(file.directives);
}

export interface WorkspaceSymbol {
  name: string;
  kind: OutlineKind;
  file: string;
  start: number;
  end: number;
  container?: string;
}

/** Subsequence match, case-insensitive, as editors do for symbol search. */
export function fuzzyMatch(query: string, name: string): boolean {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const n = name.toLowerCase();
  let i = 0;
  for (const c of n) if (c === q[i]) i++;
  return i >= q.length;
}

/** Symbols of every file of a config set that match the query. */
export function setSymbols(set: ConfigSet, query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const [path, file] of set.files) {
    const visit = (list: OutlineEntry[], container?: string): void => {
      for (const e of list) {
        if (e.kind !== 'lua' && e.kind !== 'condition' && fuzzyMatch(query, e.name)) {
          const s: WorkspaceSymbol = { name: e.name, kind: e.kind, file: path, start: e.selStart, end: e.selEnd };
          if (container) s.container = container;
          out.push(s);
        }
        visit(e.children, e.kind === 'namespace' ? container : e.name);
      }
    };
    visit(documentSymbols(file));
  }
  return out;
}
