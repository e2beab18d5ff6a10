// Rule: duplicate-directive. Directives that hold one value per level refuse a second one in the
// same block: `"proxy_pass" directive is duplicate`. Lists (add_header, listen ...) may repeat.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';
import { classify } from '../structure';

const SINGLE_VALUE_TYPES = new Set(['flag', 'string', 'number', 'size', 'offset', 'time_ms', 'time_s', 'bufs', 'enum', 'path', 'access']);
const SINGLE_VALUE_NAMES = new Set([
  'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass',
  'root', 'alias', 'try_files', 'resolver', 'http', 'events', 'stream', 'mail', 'limit_except',
]);

export const rule: Rule = {
  id: 'duplicate-directive',
  severity: 'error',
  summary: 'a single-value directive set twice in the same block',
  fix: 'none',
  check(ctx) {
    const blocks: (ConfigNode | null)[] = [null, ...ctx.model.blocks.filter((n) => n.children.length > 0)];
    for (const block of blocks) {
      const seen = new Map<string, ConfigNode>();
      for (const node of ctx.model.children(block)) {
        const v = classify(node, ctx.catalog, ctx.version);
        if (v.kind !== 'ok') continue;
        const single = SINGLE_VALUE_NAMES.has(node.d.name) || v.records.every((r) => r.valueType && SINGLE_VALUE_TYPES.has(r.valueType));
        if (!single) continue;
        const key = node.d.name === 'alias' ? 'root' : node.d.name;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, node);
          continue;
        }
        const message = first.d.name === node.d.name
          ? `"${node.d.name}" directive is duplicate`
          : `"${node.d.name}" directive is duplicate, "${first.d.name}" directive was specified earlier`;
        ctx.report(node, message, {
          related: [{ file: first.file.source.path, start: first.d.start, end: first.d.headEnd, message: 'first set here' }],
        });
      }
    }
  },
};
