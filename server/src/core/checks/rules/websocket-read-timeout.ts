// Rule: websocket-read-timeout. A proxied WebSocket is idle between messages, and nginx closes
// it when proxy_read_timeout (60s by default) passes without data from the backend: chats and
// dashboards disconnect every minute.
import type { Rule } from '../rule';
import { effectiveHeaders } from '../proxy';
import { ngxParseTime } from '../../values/ngx-time';
import { fixBlock, setDirectives } from '../../fixes/headers';

export const rule: Rule = {
  id: 'websocket-read-timeout',
  severity: 'warning',
  summary: 'a WebSocket location with proxy_read_timeout of 60s or less',
  fix: 'all',
  check(ctx) {
    const wanted = ctx.options.websocketReadTimeout ?? '3600s';
    for (const node of ctx.model.named('proxy_pass')) {
      const block = node.parent;
      if (!block) continue;
      const upgrade = effectiveHeaders(ctx, block).headers.get('upgrade');
      if (!upgrade?.d.args[1]?.value.includes('$http_upgrade')) continue;
      const timeout = ctx.model.first(block, 'proxy_read_timeout');
      const ms = timeout ? ngxParseTime(timeout.d.args[0]?.value ?? '', false) : 60_000;
      if (ms === null || ms > 60_000) continue;
      const shown = timeout ? timeout.d.args[0]!.value : '60s (the default)';
      const settings: [string, string][] = [['proxy_read_timeout', wanted]];
      const send = ctx.model.first(block, 'proxy_send_timeout');
      if (!send || (ngxParseTime(send.d.args[0]?.value ?? '', false) ?? 0) <= 60_000) settings.push(['proxy_send_timeout', wanted]);
      const target = fixBlock(node);
      const edits = target ? setDirectives(ctx.model, target, settings) : [];
      const own = timeout && timeout.parent === target;
      ctx.report(own ? timeout : node, `WebSocket location: nginx closes a socket quiet for proxy_read_timeout ${shown}. Raise it above the longest silence`, {
        ...(edits.length ? { fixes: [{ title: `Raise ${settings.map(([name]) => name).join(' and ')} to ${wanted}`, edits, isPreferred: true }] } : {}),
      });
    }
  },
};
