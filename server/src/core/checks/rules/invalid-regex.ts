// Rule: invalid-regex. Regular expressions nginx compiles while reading the config (regex
// locations, if (~ ~* !~ !~*), rewrite, server_name ~, map keys ~, fastcgi_split_path_info)
// that PCRE certainly refuses: unbalanced parentheses, an unterminated [class], a quantifier with
// nothing to repeat, a trailing backslash. nginx stops with `pcre2_compile() failed: ...`.
// Only certain failures are reported: PCRE accepts much that JavaScript's RegExp does not.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { classify, isTemplatePlaceholder } from '../structure';
import { regexError } from '../../values/regex';
import { ifTokens, parseIfCondition } from '../../values/if-condition';

interface Pattern {
  pattern: string;
  start: number;
  end: number;
}

function locationPattern(node: ConfigNode): Pattern[] {
  const [a, b] = node.d.args;
  if (!a) return [];
  if (b) return a.value === '~' || a.value === '~*' ? [{ pattern: b.value, start: b.start, end: b.end }] : [];
  const m = /^~\*?/.exec(a.value);
  return m && a.value.length > m[0].length ? [{ pattern: a.value.slice(m[0].length), start: a.start, end: a.end }] : [];
}

function ifPattern(node: ConfigNode): Pattern[] {
  const { regex } = parseIfCondition(ifTokens(node.d.args, node.file.source.text));
  return regex ? [{ pattern: regex.pattern, start: regex.token.start, end: regex.token.end }] : [];
}

function mapKeys(node: ConfigNode): Pattern[] {
  const out: Pattern[] = [];
  for (const entry of node.children) {
    const key = entry.d.name;
    if (entry.d.args.length !== 1 || !key.startsWith('~')) continue;
    out.push({ pattern: key.slice(key.startsWith('~*') ? 2 : 1), start: entry.d.nameStart, end: entry.d.nameEnd });
  }
  return out;
}

/** The regexes a directive compiles, by directive name (the module is checked by the caller). */
const SOURCES: Record<string, { modules: string[]; patterns: (node: ConfigNode) => Pattern[] }> = {
  location: { modules: ['ngx_http_core_module'], patterns: locationPattern },
  if: { modules: ['ngx_http_rewrite_module'], patterns: ifPattern },
  rewrite: { modules: ['ngx_http_rewrite_module'], patterns: (n) => n.d.args.slice(0, 1).map((a) => ({ pattern: a.value, start: a.start, end: a.end })) },
  server_name: {
    modules: ['ngx_http_core_module', 'ngx_stream_core_module'],
    patterns: (n) => n.d.args.filter((a) => a.value.startsWith('~')).map((a) => ({ pattern: a.value.slice(1), start: a.start, end: a.end })),
  },
  map: { modules: ['ngx_http_map_module', 'ngx_stream_map_module'], patterns: mapKeys },
  fastcgi_split_path_info: {
    modules: ['ngx_http_fastcgi_module'],
    patterns: (n) => n.d.args.slice(0, 1).map((a) => ({ pattern: a.value, start: a.start, end: a.end })),
  },
};

function checkNode(ctx: RuleContext, node: ConfigNode): void {
  const source = SOURCES[node.d.name]!;
  const v = classify(node, ctx.catalog, ctx.version);
  if (v.kind !== 'ok' || !v.records.every((r) => source.modules.includes(r.module))) return;
  for (const p of source.patterns(node)) {
    if (isTemplatePlaceholder(p.pattern)) continue;
    const error = regexError(p.pattern);
    if (error) ctx.report(node, `pcre2_compile() failed: ${error} in "${p.pattern}"`, { start: p.start, end: p.end });
  }
}

export const rule: Rule = {
  id: 'invalid-regex',
  severity: 'error',
  summary: 'a regular expression that PCRE cannot compile',
  fix: 'none',
  check(ctx) {
    for (const name of Object.keys(SOURCES)) for (const node of ctx.model.named(name)) checkNode(ctx, node);
  },
};
