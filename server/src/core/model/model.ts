// The semantic model over a config set: blocks by kind, upstreams, defined variables, and the
// effective value of a directive at a block with nginx's inheritance (a level that sets a
// directive hides every parent's value of it, which also holds for list directives such as
// proxy_set_header and add_header: the lower level's list replaces the parent's entirely).
import type { ConfigNode, ConfigSet } from '../workspace/config-set';

export interface Effective {
  /** The directives at the level that decides the value (several for list directives). */
  nodes: ConfigNode[];
  /** The block where they stand: null for the top level. */
  level: ConfigNode | null;
}

const SETTER = /_(set|var)$|^set_/;
const CAPTURE = /\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/g;

export class Model {
  /** Every directive with a block (servers, locations, upstreams, if ...), in reading order. */
  readonly blocks: ConfigNode[] = [];
  readonly servers: ConfigNode[] = [];
  readonly locations: ConfigNode[] = [];
  /** Upstream blocks by lowercased name (nginx compares upstream names ignoring case). */
  readonly upstreams = new Map<string, ConfigNode[]>();
  /** Variables that the config itself defines (set, map, geo, captures ...), by lowercased name (nginx ignores case). */
  readonly definedVariables = new Map<string, ConfigNode[]>();

  constructor(readonly set: ConfigSet) {
    const byName = this.byName;
    for (const n of set.all) {
      const name = n.d.name;
      const list = byName.get(name);
      if (list) list.push(n);
      else byName.set(name, [n]);
      const body = n.body;
      if (body === null) {
        if (n.d.args.length) this.collectVariables(n, name);
        continue;
      }
      this.blocks.push(n);
      if (body === 'server') this.servers.push(n);
      else if (body === 'location') this.locations.push(n);
      else if ((body === 'upstream' || body === 'stream_upstream') && n.d.args[0]) push(this.upstreams, n.d.args[0].value.toLowerCase(), n);
      this.collectVariables(n, name);
    }
    // exactly sized: push leaves up to half again as much room in each list
    for (const [name, list] of byName) if (list.length > 16) byName.set(name, list.slice());
  }

  private collectVariables(n: ConfigNode, name: string): void {
    const args = n.d.args;
    if (args.length === 0) return;
    if (name === 'map' || name === 'split_clients') this.define(args[1]?.value, n);
    else if (name === 'geo') this.define(args.length >= 2 ? args[1]?.value : args[0]?.value, n);
    else if (name === 'set' || SETTER.test(name)) this.define(args[0]?.value, n);
    for (const a of args) {
      if (a.value.indexOf('(?') < 0) continue;
      for (const m of a.value.matchAll(CAPTURE)) push(this.definedVariables, m[1]!.toLowerCase(), n);
    }
  }

  private define(v: string | undefined, n: ConfigNode): void {
    if (v && v.startsWith('$') && v.length > 1) push(this.definedVariables, v.slice(1).replace(/^\{(.*)\}$/, '$1').toLowerCase(), n);
  }

  /** Direct children of a block (null: the top level), includes expanded. */
  children(block: ConfigNode | null): ConfigNode[] {
    return block ? block.children : this.set.main;
  }

  private readonly byName = new Map<string, ConfigNode[]>();
  /** Children by name of the big blocks (null: the top level), built on first use. */
  private readonly indexes = new Map<ConfigNode | null, Map<string, ConfigNode[]>>();
  private readonly memos = new Map<string, Map<unknown, unknown>>();

  /**
   * The directives named `name` directly in a block. Big blocks are indexed by name once; small
   * ones (most locations) are searched, which saves an index per block (tens of MB on 200k
   * directives). The list may be new on every call: do not keep it as a key.
   */
  directivesIn(block: ConfigNode | null, name: string): ConfigNode[] {
    if (block && block.children.length <= SMALL_BLOCK) {
      let found: ConfigNode[] | null = null;
      for (const c of block.children) if (c.d.name === name) (found ??= []).push(c);
      return found ?? NONE;
    }
    let index = this.indexes.get(block);
    if (!index) this.indexes.set(block, (index = indexOf(this.children(block))));
    return index.get(name) ?? NONE;
  }

  /**
   * A cache that lives as long as this model (one analysis): rules and helpers that ask the same
   * question about the same node or value share the answer. `slot` names the question.
   */
  memo<K, V>(slot: string): Map<K, V> {
    let m = this.memos.get(slot);
    if (!m) this.memos.set(slot, (m = new Map()));
    return m as Map<K, V>;
  }

  /** True when any directive of this name appears anywhere in the config. */
  uses(name: string): boolean {
    return this.byName.has(name);
  }

  /** Every directive with this name, anywhere in the config, in order. */
  named(name: string): readonly ConfigNode[] {
    return this.byName.get(name) ?? [];
  }

  /** Effective directives of `name` seen from a block, walking up until a level sets it. */
  effective(block: ConfigNode | null, name: string): Effective {
    for (let level = block; ; level = level.parent) {
      const nodes = this.directivesIn(level, name);
      if (nodes.length || level === null) return { nodes, level };
    }
  }

  /** The effective directives of `name` at a block (as effective().nodes, without allocating). */
  effectiveNodes(block: ConfigNode | null, name: string): readonly ConfigNode[] {
    for (let level = block; ; level = level.parent) {
      const nodes = this.directivesIn(level, name);
      if (nodes.length || level === null) return nodes;
    }
  }

  /** The first effective directive of `name` at a block, if any level sets it. */
  first(block: ConfigNode | null, name: string): ConfigNode | undefined {
    return this.effectiveNodes(block, name)[0];
  }

  /** The nearest enclosing block of one of the given kinds. */
  enclosing(node: ConfigNode, kinds: readonly string[]): ConfigNode | null {
    for (let p = node.parent; p; p = p.parent) if (p.body && kinds.includes(p.body)) return p;
    return null;
  }
}

const NONE = Object.freeze([]) as unknown as ConfigNode[];

/** Blocks with at most this many children are searched instead of indexed. */
const SMALL_BLOCK = 8;

function indexOf(children: readonly ConfigNode[]): Map<string, ConfigNode[]> {
  const map = new Map<string, ConfigNode[]>();
  for (const c of children) push(map, c.d.name, c);
  // one index per block: lists that grew by push carry spare capacity, keep exact copies
  for (const [name, list] of map) if (list.length > 1) map.set(name, list.slice());
  return map;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
