// Rule: unknown-variable. A "$name" in a directive that nginx compiles variables for, where the
// name is neither built in (for this nginx version and module) nor defined by the config (set,
// map, geo, split_clients, *_set, regex captures): nginx refuses to start with
// `unknown "name" variable`.
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
  },
};

function checkArg(ctx: RuleContext, node: ConfigNode, raw: string, start: number, template: boolean, builtin: Map<string, boolean>): void {
  const family = familyOf(node.ctx);
  for (const m of raw.matchAll(VARIABLE)) {
    const braced = m[1] !== undefined;
    const name = (m[1] ?? m[2])!.toLowerCase();
    if (template && braced && /^[A-Z_][A-Z0-9_]*$/.test(name)) continue;
    if (/^\d/.test(name) || ctx.model.definedVariables.has(name)) continue;
    const key = `${family}:${name}`;
    let known = builtin.get(key);
    if (known === undefined) builtin.set(key, (known = ctx.catalog.isBuiltinVariable(name, family, ctx.version)));
    if (known) continue;
    const at = start + m.index!;
    ctx.report(node, `unknown "${name}" variable`, { start: at, end: at + m[0].length });
  }
}
