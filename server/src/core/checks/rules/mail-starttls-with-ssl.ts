// Rule: mail-starttls-with-ssl. In a mail block, `ssl on` (the directive, removed in nginx
// 1.25.1) and `starttls on|only` exclude each other: the second of the two is refused with
// `"starttls" directive conflicts with "ssl on"` (or the reverse). `listen ... ssl` is the way
// to have both kinds of ports.
import type { Rule } from '../rule';
import { classify } from '../structure';

export const rule: Rule = {
  id: 'mail-starttls-with-ssl',
  severity: 'error',
  summary: '"ssl on" and "starttls" in the same mail block',
  fix: 'none',
  check(ctx) {
    for (const block of ctx.model.blocks) {
      if (block.body !== 'mail' && block.body !== 'mail_server') continue;
      let ssl;
      let starttls;
      for (const c of block.children) {
        if (c.d.terminator !== ';' || classify(c, ctx.catalog, ctx.version).kind !== 'ok') continue;
        if (c.d.name === 'ssl' && c.d.args[0]?.value === 'on') {
          if (starttls) ctx.report(c, '"ssl" directive conflicts with "starttls"; use "listen ... ssl" for the TLS port instead', { related: [{ file: starttls.file.source.path, start: starttls.d.start, end: starttls.d.headEnd, message: 'starttls here' }] });
          ssl = c;
        } else if (c.d.name === 'starttls' && c.d.args[0]?.value !== 'off') {
          if (ssl) ctx.report(c, '"starttls" directive conflicts with "ssl on"; use "listen ... ssl" for the TLS port instead', { related: [{ file: ssl.file.source.path, start: ssl.d.start, end: ssl.d.headEnd, message: 'ssl on here' }] });
          starttls = c;
        }
      }
    }
  },
};
