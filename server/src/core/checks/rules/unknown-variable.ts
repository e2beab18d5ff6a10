// Rule: unknown-variable. A "$name" in a directive that nginx compiles variables for, where the
// name is neither built in (for this nginx version and module) nor defined by the config (set,
// map, geo, split_clients, *_set, regex captures): nginx refuses to start with
// `unknown "name" variable`. Map values are compiled too (nginx names no line for them: ours is
// the value). A "$" with no name after it is `invalid variable name`.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { classify } from '../structure';
import { familyOf } from '../../catalog/catalog';

/** Directives whose arguments nginx compiles as scripts (variables resolved at config time). */
const SCRIPTED = new Set([
  'return', 'rewrite', 'set', 'if', 'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass',
  'proxy_set_header', 'grpc_set_header', 'add_header', 'add_trailer', 'fastcgi_param', 'uwsgi_param',
  'scgi_param', 'log_format', 'root', 'alias', 'try_files', 'proxy_cache_key', 'fastcgi_cache_key',
  'proxy_no_cache', 'proxy_cache_bypass', 'limit_req_zone', 'limit_conn_zone', 'map', 'split_clients',
  'proxy_redirect', 'auth_basic', 'proxy_ssl_name', 'error_page', 'js_set',
]);

const REGEX_OPERATORS = new Set(['~', '~*', '!~', '!~*']);
const VARIABLE = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function scriptedArgs(node: ConfigNode): number[] {
  const { name, args } = node.d;
  const all = args.map((_, i) => i);
  switch (name) {
    case 'rewrite': return all.slice(1);
    case 'map':
    case 'split_clients': return [0];
    case 'js_set': return [];
    case 'set': return [1];
    case 'if': return all.filter((i) => i === 0 || !REGEX_OPERATORS.has(args[i - 1]!.value));
    case 'log_format': return all.slice(1).filter((i) => !args[i]!.value.startsWith('escape='));
    default: return all;
  }
}

export const rule: Rule = {
  id: 'unknown-variable',
  severity: 'error',
  summary: 'a variable that is neither built in nor defined anywhere in the config',
  fix: 'none',
  versions: { note: 'built-in variables of the configured version' },
  check(ctx) {
    const template = (file: string): boolean => /\.template$/.test(file);
    const builtin = new Map<string, boolean>();
    for (const name of SCRIPTED) {
      for (const node of ctx.model.named(name)) {
        // most arguments hold no variable at all: no text to slice, nothing to match
        if (!node.d.args.some((a) => a.value.includes('$'))) continue;
        if (classify(node, ctx.catalog, ctx.version).kind !== 'ok') continue;
        for (const i of scriptedArgs(node)) {
          const arg = node.d.args[i];
          if (arg && arg.value.includes('$')) checkArg(ctx, node, node.file.source.text.slice(arg.start, arg.end), arg.start, template(node.file.source.path), builtin);
        }
      }
    }
    for (const map of ctx.model.named('map')) {
      if (map.d.terminator !== '{' || classify(map, ctx.catalog, ctx.version).kind !== 'ok') continue;
      // named captures of the map's regex keys are variables its values may use
      const captures = new Set<string>();
      for (const e of map.children) for (const m of e.d.name.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)) captures.add(m[1]!.toLowerCase());
      for (const e of map.children) {
        const value = e.d.args[0];
        if (e.d.terminator !== ';' || e.d.args.length !== 1 || e.d.name === 'include' || !value!.value.includes('$')) continue;
        checkArg(ctx, e, e.file.source.text.slice(value!.start, value!.end), value!.start, template(e.file.source.path), builtin, map.ctx, captures);
      }
    }
  },
};

/** A "$" followed by no name: at the end, or before a character no variable name has. */
const BARE_DOLLAR = /\$(?![A-Za-z0-9_{])/g;

function checkArg(ctx: RuleContext, node: ConfigNode, raw: string, start: number, template: boolean, builtin: Map<string, boolean>, familyCtx = node.ctx, local?: ReadonlySet<string>): void {
  const family = familyOf(familyCtx);
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  const body = quoted ? raw.slice(1, -1) : raw;
  // a regex argument (proxy_redirect ~..., regex keys) ends with "$" as an anchor
  for (const m of body.startsWith('~') ? [] : body.matchAll(BARE_DOLLAR)) {
    // nginx has no escape for "$" in a compiled value: every bare "$" is refused
    const at = start + (quoted ? 1 : 0) + m.index!;
    ctx.report(node, 'invalid variable name; a "$" must be followed by a variable name', { start: at, end: at + 1 });
    return;
  }
  for (const m of raw.matchAll(VARIABLE)) {
    const braced = m[1] !== undefined;
    const name = (m[1] ?? m[2])!.toLowerCase();
    if (template && braced && /^[A-Z_][A-Z0-9_]*$/.test(name)) continue;
    if (/^\d/.test(name) || ctx.model.definedVariables.has(name) || local?.has(name)) continue;
    const key = `${family}:${name}`;
    let known = builtin.get(key);
    if (known === undefined) builtin.set(key, (known = ctx.catalog.isBuiltinVariable(name, family, ctx.version)));
    if (known) continue;
    const at = start + m.index!;
    ctx.report(node, `unknown "${name}" variable`, { start: at, end: at + m[0].length });
  }
}
