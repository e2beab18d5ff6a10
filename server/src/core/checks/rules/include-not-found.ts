// Rule: include-not-found. An include of a file that does not exist: nginx stops with
// `open() "/etc/nginx/x.conf" failed (2: No such file or directory)`. Globs may match nothing.
// A file Debian ships (fastcgi_params, snippets/fastcgi-php.conf, mime.types, proxy_params ...)
// that cannot be read here is information, not an error: its standard content is assumed.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'include-not-found',
  severity: 'error',
  severityNote: 'info for a file Debian ships (its standard content is assumed) or, in the editor, one outside the workspace',
  summary: 'an include whose file does not exist',
  fix: 'none',
  check(ctx) {
    for (const p of ctx.set.problems) {
      if (p.code === 'include-not-found') ctx.reportAt(p.file, p.start, p.end, p.message);
      // a file Debian ships that could not be read: its standard content stands in, said once as information
      else if (p.code === 'include-assumed') ctx.reportAt(p.file, p.start, p.end, p.message, { severity: 'info' });
    }
  },
};
