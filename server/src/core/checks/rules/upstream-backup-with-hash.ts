// Rule: upstream-backup-with-hash. ip_hash, hash and random pick a server by key or at random
// and never use backup servers. nginx rejects "backup" after such a method (`balancing method
// does not support parameter "backup"`); written before it, nginx accepts the file but the
// backup server is never used.
import type { Rule } from '../rule';

const NO_BACKUP = new Set(['ip_hash', 'hash', 'random']);

export const rule: Rule = {
  id: 'upstream-backup-with-hash',
  severity: 'error',
  severityNote: 'warning when backup is written before the balancing method',
  summary: 'a backup server in an upstream that balances with ip_hash, hash or random',
  fix: 'none',
  check(ctx) {
    for (const up of ctx.model.blocks) {
      if (up.body !== 'upstream' && up.body !== 'stream_upstream') continue;
      const methodAt = up.children.findIndex((c) => NO_BACKUP.has(c.d.name));
      if (methodAt < 0) continue;
      const method = up.children[methodAt]!;
      up.children.forEach((s, i) => {
        const backup = s.d.name === 'server' ? s.d.args.find((a, j) => j > 0 && a.value === 'backup') : undefined;
        if (!backup) return;
        const related = [{ file: method.file.source.path, start: method.d.start, end: method.d.headEnd, message: 'balancing method' }];
        if (i > methodAt) {
          ctx.report(s, `balancing method does not support parameter "backup" ("${method.d.name}" is used in this upstream)`, { start: backup.start, end: backup.end, related });
        } else {
          ctx.report(s, `"${method.d.name}" never uses backup servers. nginx accepts "backup" written before "${method.d.name}", but this server will not take over when the others fail`, { start: backup.start, end: backup.end, related, severity: 'warning' });
        }
      });
    }
  },
};
