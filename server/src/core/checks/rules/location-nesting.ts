// Rule: location-nesting. Nested locations nginx refuses: a named location below server level,
// anything inside an exact or named location, and a prefix location outside its parent's
// prefix (`location "/b" is outside location "/a"`, ngx_http_core_location).
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';

interface Loc {
  name: string;
  exact: boolean;
  named: boolean;
  regex: boolean;
}

export function locationInfo(node: ConfigNode): Loc | null {
  const a = node.d.args.map((x) => x.value);
  if (a.length === 1) {
    const v = a[0]!;
    if (v.startsWith('@')) return { name: v, exact: false, named: true, regex: false };
    if (v.startsWith('=')) return { name: v.slice(1), exact: true, named: false, regex: false };
    if (v.startsWith('~')) return { name: v.replace(/^~\*?/, ''), exact: false, named: false, regex: true };
    if (v.startsWith('^~')) return { name: v.slice(2), exact: false, named: false, regex: false };
    return { name: v, exact: false, named: false, regex: false };
  }
  if (a.length === 2) {
    const [m, v] = a as [string, string];
    if (m === '=') return { name: v, exact: true, named: false, regex: false };
    if (m === '~' || m === '~*') return { name: v, exact: false, named: false, regex: true };
    if (m === '^~') return { name: v, exact: false, named: false, regex: false };
  }
  return null;
}

export const rule: Rule = {
  id: 'location-nesting',
  severity: 'error',
  summary: 'a location nested where nginx does not accept it',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.locations) {
      const parent = node.parent;
      if (!parent || parent.body !== 'location') continue;
      const me = locationInfo(node);
      const up = locationInfo(parent);
      if (!me || !up) continue;
      let message: string | undefined;
      if (up.exact) message = `location "${me.name}" cannot be inside the exact location "${up.name}"`;
      else if (up.named) message = `location "${me.name}" cannot be inside the named location "${up.name}"`;
      else if (me.named) message = `named location "${me.name}" can be on the server level only`;
      else if (!me.regex && !me.name.startsWith(up.name)) message = `location "${me.name}" is outside location "${up.name}"`;
      if (message) ctx.report(node, message);
    }
  },
};
