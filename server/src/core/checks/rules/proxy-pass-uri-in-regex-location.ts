// Rule: proxy-pass-uri-in-regex-location. nginx cannot replace the matched part of a URI that a
// regex, a named location, an "if" or a "limit_except" selected, so a proxy_pass with a URI part
// there is refused: `"proxy_pass" cannot have URI part in location given by regular expression,
// or inside named location, or inside "if" statement, or inside "limit_except" block`.
import type { Rule } from '../rule';
import { locationInfo } from './location-nesting';

/** The URI part of a literal proxy_pass URL ("/v1/" of "http://h:1/v1/"), "" when none. */
export function proxyPassUri(url: string): string {
  const m = /^(?:https?|grpcs?):\/\/(.*)$/i.exec(url);
  if (!m) return '';
  const rest = m[1]!;
  if (rest.startsWith('unix:')) {
    const i = rest.indexOf(':', 5);
    return i < 0 ? '' : rest.slice(i + 1);
  }
  const at = rest.search(/[/?]/);
  return at < 0 ? '' : rest.slice(at);
}

export const rule: Rule = {
  id: 'proxy-pass-uri-in-regex-location',
  severity: 'error',
  summary: 'proxy_pass with a URI part where nginx cannot use one',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      if (node.d.args.length !== 1) continue;
      const url = node.d.args[0]!.value;
      if (url.includes('$') || proxyPassUri(url) === '') continue;
      const block = node.parent;
      if (!block) continue;
      const loc = block.body === 'location' ? locationInfo(block) : null;
      const where = block.body === 'if_location' ? 'inside "if"' : block.body === 'limit_except' ? 'inside "limit_except"'
        : loc?.regex ? 'in a regex location' : loc?.named ? 'in a named location' : null;
      if (!where) continue;
      ctx.report(node, `"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block (here: "${proxyPassUri(url)}" ${where}); drop the URI part and rewrite the URI instead`, {
        start: node.d.args[0]!.start,
        end: node.d.args[0]!.end,
      });
    }
  },
};
