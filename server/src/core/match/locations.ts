// Location matching exactly as nginx does it: the per-level static tree built by
// ngx_http_init_locations / ngx_http_create_locations_list / ngx_http_create_locations_tree
// (src/http/ngx_http.c) and searched by ngx_http_core_find_location /
// ngx_http_core_find_static_location (src/http/ngx_http_core_module.c). Building the real tree
// (rather than "longest prefix wins") keeps the corner cases identical: auto-redirect results,
// exact and prefix locations with one name, nested locations searched before the level's regexes.
import { lineOf, type ConfigNode } from '../workspace/config-set';
import { filenameCmp, toBytes } from './bytes';
import { translatePcre, runPcre, type CompiledPcre } from './pcre';

export type Modifier = '' | '=' | '^~' | '~' | '~*';

export interface LocationInfo {
  node: ConfigNode;
  modifier: Modifier;
  /** The location's name as written (regex text for regex locations, "@x" for named ones). */
  name: string;
  /** The name as bytes (what nginx compares). */
  bytes: string;
  exact: boolean;
  noregex: boolean;
  named: boolean;
  regex: CompiledPcre | null;
  /** Set when the regex could not be translated to JavaScript. */
  regexProblem?: string;
  parent: LocationInfo | null;
  level: Level;
  /** A *_pass handler and a name ending in "/": nginx answers 301 to "name/" for "name". */
  autoRedirect: boolean;
}

interface Item {
  exact: LocationInfo | null;
  inclusive: LocationInfo | null;
  name: string;
  list: Item[];
}

interface TreeNode {
  left: TreeNode | null;
  right: TreeNode | null;
  tree: TreeNode | null;
  exact: LocationInfo | null;
  inclusive: LocationInfo | null;
  autoRedirect: boolean;
  name: string;
}

export interface Level {
  tree: TreeNode | null;
  regexes: LocationInfo[];
  named: LocationInfo[];
  /** Problems nginx would refuse the config for (duplicate locations ...), as reasons. */
  problems: string[];
}

const PASS = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass', 'grpc_pass']);

/** Reads a `location` directive's modifier and name the way ngx_http_core_location does. */
export function parseLocationArgs(node: ConfigNode): { modifier: Modifier; name: string; named: boolean } | null {
  const a = node.d.args.map((x) => x.value);
  if (a.length === 2) {
    const mod = a[0]!;
    if (mod === '=' || mod === '^~' || mod === '~' || mod === '~*') return { modifier: mod, name: a[1]!, named: false };
    return null;
  }
  if (a.length !== 1) return null;
  const n = a[0]!;
  if (n.startsWith('=')) return { modifier: '=', name: n.slice(1), named: false };
  if (n.startsWith('^~')) return { modifier: '^~', name: n.slice(2), named: false };
  if (n.startsWith('~*')) return { modifier: '~*', name: n.slice(2), named: false };
  if (n.startsWith('~')) return { modifier: '~', name: n.slice(1), named: false };
  return { modifier: '', name: n, named: n.startsWith('@') };
}

/** Builds the location levels of a server block (and, recursively, of every location). */
export function buildLevel(block: ConfigNode, parent: LocationInfo | null, caselessFs = false): Level {
  const level: Level = { tree: null, regexes: [], named: [], problems: [] };
  const items: Item[] = [];
  const infos: LocationInfo[] = [];
  for (const c of block.children) {
    if (c.d.name !== 'location' || !c.d.block) continue;
    const parsed = parseLocationArgs(c);
    if (!parsed) {
      level.problems.push(`location at line ${lineOf(c)} has an invalid modifier; nginx refuses this config`);
      continue;
    }
    const isRegex = parsed.modifier === '~' || parsed.modifier === '~*';
    const info: LocationInfo = {
      node: c,
      modifier: parsed.modifier,
      name: parsed.name,
      bytes: toBytes(parsed.name),
      exact: parsed.modifier === '=',
      noregex: parsed.modifier === '^~',
      named: parsed.named,
      regex: null,
      parent,
      level: { tree: null, regexes: [], named: [], problems: [] },
      autoRedirect: false,
    };
    if (isRegex) {
      const t = translatePcre(parsed.name, parsed.modifier === '~*' || caselessFs);
      if (t.ok) info.regex = t;
      else info.regexProblem = t.reason;
    }
    info.autoRedirect = !isRegex && parsed.name.endsWith('/') && c.children.some((x) => PASS.has(x.d.name));
    info.level = buildLevel(c, info, caselessFs);
    infos.push(info);
    items.push({ exact: info.exact || isRegex || info.named ? info : null, inclusive: info.exact || isRegex || info.named ? null : info, name: info.bytes, list: [] });
  }
  insertionSort(items, compareItems);
  const statics: Item[] = [];
  for (const it of items) {
    const info = (it.exact ?? it.inclusive)!;
    if (info.regex || info.regexProblem) level.regexes.push(info);
    else if (info.named) level.named.push(info);
    else statics.push(it);
  }
  joinExact(statics, level.problems);
  createList(statics);
  level.tree = statics.length ? createTree(statics, 0) : null;
  return level;
}

function compareItems(one: Item, two: Item): number {
  const a = (one.exact ?? one.inclusive)!;
  const b = (two.exact ?? two.inclusive)!;
  if (a.named && !b.named) return 1;
  if (!a.named && b.named) return -1;
  if (a.named && b.named) return a.bytes < b.bytes ? -1 : a.bytes > b.bytes ? 1 : 0;
  const ar = a.modifier === '~' || a.modifier === '~*';
  const br = b.modifier === '~' || b.modifier === '~*';
  if (ar && !br) return 1;
  if (!ar && br) return -1;
  if (ar || br) return 0;
  const rc = filenameCmp(a.bytes, b.bytes, Math.min(a.bytes.length, b.bytes.length) + 1);
  if (rc === 0 && !a.exact && b.exact) return 1;
  return rc;
}

/** ngx_queue_sort: a stable insertion sort that only moves an element left past bigger ones. */
function insertionSort<T>(list: T[], cmp: (a: T, b: T) => number): void {
  for (let i = 1; i < list.length; i++) {
    const q = list[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(list[j]!, q) > 0) j--;
    list.splice(i, 1);
    list.splice(j + 1, 0, q);
  }
}

function joinExact(list: Item[], problems: string[]): void {
  let i = 0;
  while (i < list.length - 1) {
    const q = list[i]!;
    const x = list[i + 1]!;
    if (q.name.length === x.name.length && filenameCmp(q.name, x.name, x.name.length) === 0) {
      if ((q.exact && x.exact) || (q.inclusive && x.inclusive)) {
        problems.push(`duplicate location "${(x.exact ?? x.inclusive)!.name}" at line ${lineOf((x.exact ?? x.inclusive)!.node)}: nginx refuses this config`);
        list.splice(i + 1, 1);
        continue;
      }
      q.inclusive = x.inclusive;
      list.splice(i + 1, 1);
      continue;
    }
    i++;
  }
}

/** ngx_http_create_locations_list: hang the locations that extend a prefix location under it. */
function createList(list: Item[], from = 0): void {
  let i = from;
  while (i < list.length - 1) {
    const q = list[i]!;
    if (!q.inclusive) {
      i++;
      continue;
    }
    const len = q.name.length;
    let x = i + 1;
    while (x < list.length) {
      const lx = list[x]!;
      if (len > lx.name.length || filenameCmp(q.name, lx.name, len) !== 0) break;
      x++;
    }
    if (x === i + 1) {
      i = x;
      continue;
    }
    q.list = list.splice(i + 1, x - i - 1);
    createList(q.list);
    i++;
  }
}

function createTree(list: Item[], prefix: number): TreeNode {
  const mid = list.length >> 1;
  const it = list[mid]!;
  const node: TreeNode = {
    left: null,
    right: null,
    tree: null,
    exact: it.exact,
    inclusive: it.inclusive,
    autoRedirect: Boolean(it.exact?.autoRedirect || it.inclusive?.autoRedirect),
    name: it.name.slice(prefix),
  };
  const left = list.slice(0, mid);
  const right = list.slice(mid + 1);
  if (left.length) {
    node.left = createTree(left, prefix);
    if (right.length) node.right = createTree(right, prefix);
  }
  if (it.list.length) node.tree = createTree(it.list, it.name.length);
  return node;
}

// ----- search ---------------------------------------------------------------------------------

export type FindCode = 'exact' | 'redirect' | 'prefix' | 'none';

export interface FindState {
  /** The location whose configuration applies so far (null: the server's own). */
  current: LocationInfo | null;
  reasons: string[];
  /** Regex locations that could not be evaluated before the answer was reached. */
  unknownRegexes: LocationInfo[];
}

function findStatic(node: TreeNode | null, uri: string, st: FindState): FindCode {
  let rv: FindCode = 'none';
  let off = 0;
  let len = uri.length;
  for (;;) {
    if (!node) return rv;
    const n = len <= node.name.length ? len : node.name.length;
    const rc = filenameCmp(uri.slice(off, off + n), node.name, n);
    if (rc !== 0) {
      node = rc < 0 ? node.left : node.right;
      continue;
    }
    if (len > node.name.length) {
      if (node.inclusive) {
        st.current = node.inclusive;
        rv = 'prefix';
        off += n;
        len -= n;
        node = node.tree;
        continue;
      }
      node = node.right;
      continue;
    }
    if (len === node.name.length) {
      if (node.exact) {
        st.current = node.exact;
        return 'exact';
      }
      st.current = node.inclusive;
      return 'prefix';
    }
    if (len + 1 === node.name.length && node.autoRedirect) {
      st.current = node.exact ?? node.inclusive;
      rv = 'redirect';
    }
    node = node.left;
  }
}

/**
 * ngx_http_core_find_location over the level of `owner` (a location, or the server's level).
 * Returns nginx's result code; st.current holds the chosen location.
 */
export function findLocation(level: Level, uri: string, st: FindState): FindCode {
  let rc = findStatic(level.tree, uri, st);
  let noregex = false;
  if (rc === 'prefix') {
    const found = st.current!;
    noregex = found.noregex;
    st.reasons.push(`longest prefix: ${describe(found)}${found.noregex ? ' (^~: regexes at its level are skipped)' : ''}`);
    rc = findLocation(found.level, uri, st);
    if (rc === 'none') rc = 'prefix';
  } else if (rc === 'exact') {
    st.reasons.push(`exact match: ${describe(st.current!)}`);
  }
  if (rc === 'exact' || rc === 'redirect') return rc;
  if (!noregex && level.regexes.length) {
    for (const loc of level.regexes) {
      if (!loc.regex) {
        st.unknownRegexes.push(loc);
        st.reasons.push(`${describe(loc)} could not be evaluated (${loc.regexProblem}); assumed not to match`);
        continue;
      }
      const run = runPcre(loc.regex, uri);
      if (!run.known) {
        st.unknownRegexes.push(loc);
        st.reasons.push(`${describe(loc)} could not be evaluated for this URI (uncertain: ${run.reason}); assumed not to match`);
        continue;
      }
      if (run.m) {
        st.current = loc;
        st.reasons.push(`first matching regex in config order: ${describe(loc)}`);
        findLocation(loc.level, uri, st);
        return 'exact';
      }
    }
  }
  return rc;
}

export function describe(loc: LocationInfo): string {
  const where = `${loc.node.file.source.path}:${lineOf(loc.node)}`;
  return `location ${loc.modifier ? loc.modifier + ' ' : ''}${loc.name} (${where})`;
}

export function locationLine(loc: LocationInfo): number {
  return lineOf(loc.node);
}
