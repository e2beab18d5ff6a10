// Rule: duplicate-default-server. Two servers marking the same address:port as default_server:
// `a duplicate default server for 0.0.0.0:80`.
import type { Rule } from '../rule';
import { parseListen } from '../../values/listen';

export const rule: Rule = {
  id: 'duplicate-default-server',
  severity: 'error',
  summary: 'two default_server listens on one address and port',
  fix: 'none',
  check(ctx) {
    const seen = new Map<string, { file: string; start: number; end: number }>();
    for (const node of ctx.model.named('listen')) {
      if ((node.ctx !== 'server' && node.ctx !== 'stream_server')) continue;
      const args = node.d.args.map((a) => a.value);
      if (!args.slice(1).some((a) => a === 'default_server' || a === 'default')) continue;
      const addr = parseListen(args[0] ?? '');
      if (addr.invalidPort !== undefined || args[0]!.includes('$')) continue;
      const shown = addr.unix ? addr.host : `${addr.host === '*' ? '0.0.0.0' : addr.host}:${addr.port}`;
      const key = `${node.ctx}:${args.includes('udp') || args.includes('quic') ? 'udp:' : ''}${shown}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { file: node.file.source.path, start: node.d.start, end: node.d.headEnd });
        continue;
      }
      ctx.report(node, `a duplicate default server for ${shown}`, { related: [{ ...first, message: 'first default server here' }] });
    }
  },
};
