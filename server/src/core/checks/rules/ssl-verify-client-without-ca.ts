// Rule: ssl-verify-client-without-ca. `ssl_verify_client on` (or optional) in a server that speaks
// TLS, with no `ssl_client_certificate` (since nginx 1.27.2 `ssl_trusted_certificate` also does):
// nginx refuses to start with `no ssl_client_certificate for ssl_verify_client` and names no line,
// so ours is on the ssl_verify_client that applies. optional_no_ca needs no CA.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { compareVersions, parseVersion } from '../../util/version';

const TRUSTED_COUNTS = parseVersion('1.27.2')!;

function speaksTls(ctx: RuleContext, server: ConfigNode): boolean {
  if (ctx.model.effectiveNodes(server, 'ssl_certificate').length) return true;
  if (ctx.model.first(server, 'ssl_reject_handshake')?.d.args[0]?.value === 'on') return true;
  return ctx.model.first(server, 'ssl')?.d.args[0]?.value === 'on';
}

export const rule: Rule = {
  id: 'ssl-verify-client-without-ca',
  severity: 'error',
  summary: 'ssl_verify_client on or optional without ssl_client_certificate',
  fix: 'none',
  check(ctx) {
    const trustedCounts = !ctx.version || compareVersions(ctx.version, TRUSTED_COUNTS) >= 0;
    for (const server of [...ctx.model.servers, ...ctx.model.blocks.filter((b) => b.body === 'stream_server')]) {
      const verify = ctx.model.first(server, 'ssl_verify_client');
      const mode = verify?.d.args[0]?.value;
      if (!verify || (mode !== 'on' && mode !== 'optional') || !speaksTls(ctx, server)) continue;
      if (ctx.model.first(server, 'ssl_client_certificate')) continue;
      if (trustedCounts && ctx.model.first(server, 'ssl_trusted_certificate')) continue;
      const what = trustedCounts && ctx.version ? 'ssl_client_certificate or ssl_trusted_certificate' : 'ssl_client_certificate';
      ctx.report(verify, `no ${what} for ssl_verify_client; add ssl_client_certificate with the CA of the client certificates`);
    }
  },
};
