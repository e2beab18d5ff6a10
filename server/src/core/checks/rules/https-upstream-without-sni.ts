// Rule: https-upstream-without-sni. nginx does not send SNI to HTTPS backends unless
// proxy_ssl_server_name is on. Backends behind CDNs, load balancers or shared hosting then
// present the wrong certificate or refuse the handshake: 502 with "sslv3 alert handshake
// failure" or "unrecognized name".
import type { Rule } from '../rule';
import { isIpLiteral, passTarget } from '../proxy';
import { fixBlock, setDirectives } from '../../fixes/headers';

export const rule: Rule = {
  id: 'https-upstream-without-sni',
  severity: 'warning',
  summary: 'proxy_pass https://hostname without proxy_ssl_server_name on',
  fix: 'all',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      const t = passTarget(ctx, node);
      if (!t || t.scheme !== 'https' || t.hasVariables || t.upstream || t.unix || isIpLiteral(t.host) || t.host === 'localhost' || !t.host.includes('.')) continue;
      if (!node.parent || ctx.model.first(node.parent, 'proxy_ssl_server_name')?.d.args[0]?.value.toLowerCase() === 'on') continue;
      const block = fixBlock(node);
      const edits = block ? setDirectives(ctx.model, block, [['proxy_ssl_server_name', 'on']]) : [];
      ctx.report(node, `nginx does not send the server name "${t.host}" (SNI) in its TLS handshake unless proxy_ssl_server_name is on; many HTTPS backends then fail the handshake (502)`, {
        ...(edits.length ? { fixes: [{ title: 'Use "proxy_ssl_server_name on;"', edits, isPreferred: true }] } : {}),
      });
    }
  },
};
