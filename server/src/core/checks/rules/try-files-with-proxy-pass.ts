// Rule: try-files-with-proxy-pass. In a location with both, try_files runs first: when a file
// matches, the request is handed to the location's content handler, which is proxy_pass, so the
// backend receives the file's URI instead of nginx serving it; the usual intent is
// try_files ... @backend with the proxy_pass in a named location.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'try-files-with-proxy-pass',
  severity: 'warning',
  summary: 'try_files and proxy_pass in the same location',
  fix: 'none',
  check(ctx) {
    for (const tf of ctx.model.named('try_files')) {
      const block = tf.parent;
      if (block?.body !== 'location') continue;
      const pass = ctx.model.directivesIn(block, 'proxy_pass')[0];
      if (!pass) continue;
      ctx.report(tf, 'try_files and proxy_pass in one location: files found by try_files are still handed to proxy_pass; move proxy_pass into a named location and end try_files with it (try_files $uri @backend)', {
        related: [{ file: pass.file.source.path, start: pass.d.start, end: pass.d.headEnd, message: 'proxy_pass here' }],
      });
    }
  },
};
