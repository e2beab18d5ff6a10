// Rule: unsubstituted-placeholder. A "${NAME}" in upper case, in a file that is not a template
// (*.template, as the official Docker image's envsubst step reads them), where NAME is neither a
// built-in nor a defined variable: the substitution step never ran, and nginx reads the text
// literally. In an address (listen, upstream server, *_pass, resolver) that is fatal ("host not
// found in "${NGINX_PORT}" of the "listen" directive"), so it is an error there; elsewhere nginx
// may accept the literal text, so it is a warning.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { familyOf } from '../../catalog/catalog';

const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;
const TEMPLATE_FILE = /\.(template|tmpl|tpl|j2|jinja2?|erb|envsubst)$/;
/** Arguments that are code of another language, where "${X}" means something else. */
const FOREIGN_CODE = /_by_lua$|_by_lua_file$|^js_|^perl/;
const ADDRESS = new Set(['listen', 'server', 'resolver', 'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

function fatal(node: ConfigNode): boolean {
  if (!ADDRESS.has(node.d.name)) return false;
  return node.d.name !== 'server' || node.ctx === 'upstream' || node.ctx === 'stream_upstream';
}

function isVariable(ctx: RuleContext, name: string, node: ConfigNode, defined: Set<string>): boolean {
  const lower = name.toLowerCase();
  return defined.has(lower) || ctx.catalog.isBuiltinVariable(lower, familyOf(node.ctx), ctx.version);
}

function report(ctx: RuleContext, node: ConfigNode, raw: string, start: number, defined: Set<string>): void {
  for (const m of raw.matchAll(PLACEHOLDER)) {
    if (isVariable(ctx, m[1]!, node, defined)) continue;
    const at = start + m.index!;
    ctx.report(node, `unsubstituted placeholder "${m[0]}". This file is not a *.template, so envsubst never replaced it`, {
      start: at,
      end: at + m[0].length,
      severity: fatal(node) ? 'error' : 'warning',
    });
  }
}

export const rule: Rule = {
  id: 'unsubstituted-placeholder',
  severity: 'warning',
  severityNote: 'error in addresses (listen, upstream server, *_pass, resolver)',
  summary: 'an envsubst-style ${VAR} placeholder left in a config that is not a template',
  fix: 'none',
  check(ctx) {
    const defined = new Set([...ctx.model.definedVariables.keys()].map((k) => k.toLowerCase()));
    // only files whose text has "${" somewhere can hold one (usually none does)
    const candidates = new Set([...ctx.set.files.values()].filter((f) => f.source.text.includes('${')));
    if (candidates.size === 0) return;
    for (const node of ctx.set.all) {
      if (!candidates.has(node.file)) continue;
      // a placeholder needs "${" in the name or an argument (the unescaped value keeps both characters)
      if (!node.d.name.includes('${') && !node.d.args.some((a) => a.value.includes('${'))) continue;
      if (TEMPLATE_FILE.test(node.file.source.path) || FOREIGN_CODE.test(node.d.name) || node.ctx === 'raw') continue;
      const text = node.file.source.text;
      if (node.ctx === 'data') report(ctx, node, text.slice(node.d.nameStart, node.d.nameEnd), node.d.nameStart, defined);
      for (const a of node.d.args) report(ctx, node, text.slice(a.start, a.end), a.start, defined);
    }
  },
};
