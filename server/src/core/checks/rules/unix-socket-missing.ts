// Rule: unix-socket-missing. A unix: socket path that does not exist on this machine: requests
// get 502 "connect() to unix:... failed (2: No such file or directory)". Checked only for the
// config this machine's nginx runs (under /etc/nginx or nginx -V's conf dir) in a trusted
// workspace or the CLI: elsewhere the config is usually edited away from its server, and the
// doctor and "Explain this 502" cover the live case.
import type { Rule } from '../rule';

const PASSES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'server'];

export const rule: Rule = {
  id: 'unix-socket-missing',
  severity: 'warning',
  summary: 'a unix: socket path that does not exist on this machine',
  fix: 'none',
  check(ctx) {
    const exists = ctx.host.exists?.bind(ctx.host);
    if (!ctx.options.checkLocalSockets || !exists) return;
    for (const node of PASSES.flatMap((p) => ctx.model.named(p))) {
      if (node.d.name === 'server' && node.ctx !== 'upstream' && node.ctx !== 'stream_upstream') continue;
      const arg = node.d.args[0];
      const m = arg && /^(?:[a-z]+:\/\/)?unix:([^:]+)/i.exec(arg.value);
      if (!m || arg.value.includes('$')) continue;
      const path = m[1]!;
      if (exists(path)) continue;
      ctx.report(node, `the socket "${path}" does not exist on this machine; is the backend (php-fpm, gunicorn ...) running there?`, { start: arg.start, end: arg.end });
    }
  },
};
