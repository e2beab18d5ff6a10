// Rule: fastcgi-pass-to-http-port. fastcgi_pass to a port that serves HTTP: the backend answers
// the FastCGI request with "HTTP/1.1 400 ...", and nginx logs "upstream sent unsupported FastCGI
// protocol version: 72" (72 is "H") and returns 502. A guess from the port: only ports that are
// plain HTTP by strong convention (80, 3000, 5000, 8000, 8080); the doctor verifies live.
import type { Rule } from '../rule';
import { PLAIN_HTTP_PORTS_FOR_FASTCGI, passTarget } from '../proxy';

export const rule: Rule = {
  id: 'fastcgi-pass-to-http-port',
  severity: 'warning',
  summary: 'fastcgi_pass to a port that usually serves HTTP',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.named('fastcgi_pass')) {
      const t = passTarget(ctx, node);
      if (!t || t.hasVariables || t.unix || t.scheme || t.port === null || !PLAIN_HTTP_PORTS_FOR_FASTCGI.has(t.port)) continue;
      ctx.report(node, `fastcgi_pass to port ${t.port}, which usually serves HTTP, not FastCGI. If so, nginx returns 502 ("unsupported FastCGI protocol version: 72"); php-fpm listens on 9000 or a unix: socket, an HTTP app needs proxy_pass http://`);
    }
  },
};
