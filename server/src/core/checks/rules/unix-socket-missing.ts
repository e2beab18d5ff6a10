// Rule: unix-socket-missing. A unix: socket path that does not exist on this machine: requests
// get 502 "connect() to unix:... failed (2: No such file or directory)". Checked only when the
// config is analysed on the machine that runs it and the workspace may run checks.
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
      ctx.report(node, `the socket "${path}" does not exist here: is the backend (php-fpm, gunicorn ...) running, and is the path the one it listens on?`, { start: arg.start, end: arg.end });
    }
  },
};
