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

const CAPTURE = /\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/g;

export class Model {
  readonly servers: ConfigNode[] = [];
  readonly locations: ConfigNode[] = [];
  /** Upstream blocks by lowercased name (nginx compares upstream names ignoring case). */
  readonly upstreams = new Map<string, ConfigNode[]>();
  /** Variables that the config itself defines (set, map, geo, captures ...), by lowercased name (nginx ignores case). */
  readonly definedVariables = new Map<string, ConfigNode[]>();

  constructor(readonly set: ConfigSet) {
    for (const n of set.all) {
      const name = n.d.name;
      push(this.byName, name, n);
      if (n.body === 'server') this.servers.push(n);
      else if (n.body === 'location') this.locations.push(n);
      else if ((n.body === 'upstream' || n.body === 'stream_upstream') && n.d.args[0]) push(this.upstreams, n.d.args[0].value.toLowerCase(), n);
      this.collectVariables(n, name);
    }
  }

  private collectVariables(n: ConfigNode, name: string): void {
    const args = n.d.args;
    const define = (v: string | undefined): void => {
      if (v && v.startsWith('$') && v.length > 1) push(this.definedVariables, v.slice(1).replace(/^\{(.*)\}$/, '$1').toLowerCase(), n);
    };
    if (name === 'map' || name === 'split_clients') define(args[1]?.value);
    else if (name === 'geo') define(args.length >= 2 ? args[1]?.value : args[0]?.value);
    else if (name === 'set' || /_(set|var)$/.test(name) || /^set_/.test(name)) define(args[0]?.value);
    for (const a of args) {
      if (a.value.indexOf('(?') < 0) continue;
      for (const m of a.value.matchAll(CAPTURE)) push(this.definedVariables, m[1]!.toLowerCase(), n);
    }
  }

  /** Direct children of a block (null: the top level), includes expanded. */
  children(block: ConfigNode | null): ConfigNode[] {
    return block ? block.children : this.set.main;
  }

  private readonly index = new Map<ConfigNode | null, Map<string, ConfigNode[]>>();
  private readonly byName = new Map<string, ConfigNode[]>();

  /** The directives named `name` directly in a block (indexed once per block). */
  directivesIn(block: ConfigNode | null, name: string): ConfigNode[] {
    let byName = this.index.get(block);
    if (!byName) {
      byName = new Map();
      for (const c of this.children(block)) push(byName, c.d.name, c);
      this.index.set(block, byName);
    }
    return byName.get(name) ?? [];
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

  /** The nearest enclosing block of one of the given kinds. */
  enclosing(node: ConfigNode, kinds: readonly string[]): ConfigNode | null {
    for (let p = node.parent; p; p = p.parent) if (p.body && kinds.includes(p.body)) return p;
    return null;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
