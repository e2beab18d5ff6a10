// Rule: upstream-backup-with-hash. ip_hash, hash and random pick a server by key or at random
// and have no notion of a backup: `balancing method does not support parameter "backup"`.
import type { Rule } from '../rule';

const NO_BACKUP = new Set(['ip_hash', 'hash', 'random']);

export const rule: Rule = {
  id: 'upstream-backup-with-hash',
  severity: 'error',
  summary: 'a backup server in an upstream that balances with ip_hash, hash or random',
  check(ctx) {
    for (const up of ctx.set.all) {
      if (up.body !== 'upstream' && up.body !== 'stream_upstream') continue;
      const method = up.children.find((c) => NO_BACKUP.has(c.d.name));
      if (!method) continue;
      for (const s of up.children) {
        if (s.d.name !== 'server') continue;
        const backup = s.d.args.find((a, i) => i > 0 && a.value === 'backup');
        if (!backup) continue;
        ctx.report(s, `balancing method does not support parameter "backup" ("${method.d.name}" is used in this upstream)`, {
          start: backup.start,
          end: backup.end,
          related: [{ file: method.file.source.path, start: method.d.start, end: method.d.headEnd, message: 'balancing method' }],
        });
      }
    }
  },
};
