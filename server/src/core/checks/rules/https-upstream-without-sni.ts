// Rule: https-upstream-without-sni. nginx does not send SNI to HTTPS backends unless
// proxy_ssl_server_name is on. Backends behind CDNs, load balancers or shared hosting then
// present the wrong certificate or refuse the handshake: 502 with "sslv3 alert handshake
// failure" or "unrecognized name". With an upstream group (proxy_pass https://backend) and no
// proxy_ssl_name, the name nginx sends (SNI) and verifies the certificate against is the group's
// name, "backend", which no certificate carries: set proxy_ssl_name to the backends' host name.
import type { Rule } from '../rule';
import { isIpLiteral, passTarget } from '../proxy';
import { fixBlock, setDirectives } from '../../fixes/headers';

export const rule: Rule = {
  id: 'https-upstream-without-sni',
  severity: 'warning',
  summary: 'proxy_pass https://hostname without proxy_ssl_server_name on, or https://group without proxy_ssl_name',
  fix: 'all',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      const t = passTarget(ctx, node);
      if (t && t.scheme === 'https' && t.upstream && !t.hasVariables && node.parent && !ctx.model.first(node.parent, 'proxy_ssl_name')) {
        const sni = ctx.model.first(node.parent, 'proxy_ssl_server_name')?.d.args[0]?.value.toLowerCase() === 'on';
        const verify = ctx.model.first(node.parent, 'proxy_ssl_verify')?.d.args[0]?.value.toLowerCase() === 'on';
        const named = t.upstream.children.find((c) => c.d.name === 'server' && !/^unix:/.test(c.d.args[0]?.value ?? ''));
        const host = (named?.d.args[0]?.value ?? '').replace(/:\d+$/, '');
        const hostname = host && !isIpLiteral(host) && host.includes('.') ? host : undefined;
        const what = sni || verify ? `SNI${verify ? ' and certificate checks' : ''} use the group name "${t.host}", no host name` : `no SNI is sent to upstream group "${t.host}" (proxy_ssl_server_name is off)`;
        const block = fixBlock(node);
        const edits = block && hostname ? setDirectives(ctx.model, block, [['proxy_ssl_name', hostname], ['proxy_ssl_server_name', 'on']]) : [];
        ctx.report(node, `${what}. Set proxy_ssl_name to the backends' host name${sni ? '' : ' and proxy_ssl_server_name on'}`, {
          ...(edits.length ? { fixes: [{ title: `Use "proxy_ssl_name ${hostname};" and "proxy_ssl_server_name on;"`, edits, isPreferred: true }] } : {}),
        });
        continue;
      }
      if (!t || t.scheme !== 'https' || t.hasVariables || t.upstream || t.unix || isIpLiteral(t.host) || t.host === 'localhost' || !t.host.includes('.')) continue;
      if (!node.parent || ctx.model.first(node.parent, 'proxy_ssl_server_name')?.d.args[0]?.value.toLowerCase() === 'on') continue;
      const block = fixBlock(node);
      const edits = block ? setDirectives(ctx.model, block, [['proxy_ssl_server_name', 'on']]) : [];
      ctx.report(node, `no SNI is sent to "${t.host}": proxy_ssl_server_name is off. Many HTTPS backends then fail the handshake (502)`, {
        ...(edits.length ? { fixes: [{ title: 'Use "proxy_ssl_server_name on;"', edits, isPreferred: true }] } : {}),
      });
    }
  },
};
