// Rule: keepalive-without-http11. Before nginx 1.29.7 proxying speaks HTTP/1.0 unless
// proxy_http_version says 1.1, and an HTTP/1.0 upstream connection is closed after every
// response: the upstream's "keepalive" cache stays empty, and under load every request opens a
// new connection (TIME_WAIT pile-up, "Cannot assign requested address", 502). When the location
// also sends the default "Connection: close", that is the same mistake: one diagnostic, one fix
// that adds both lines in order (proxy_http_version 1.1, then proxy_set_header Connection "").
// A nested location that inherits the problem is listed in relatedInformation, not repeated.
import type { Rule } from '../rule';
import { effectiveHeaders, isWebSocketBlock, passTarget, versionView } from '../proxy';
import { addDirectives, addListLines, fixBlock, inheritedNote, setDirectives, writtenIn } from '../../fixes/headers';
import { foldNested, type Finding } from '../fold';
import type { ConfigNode } from '../../workspace/config-set';
import type { TextEdit } from '../../diagnostic';

interface Data {
  keepalive: ConfigNode;
  needsConnection: boolean;
}

export const rule: Rule = {
  id: 'keepalive-without-http11',
  severity: 'warning',
  summary: 'proxy_pass to a keepalive upstream over HTTP/1.0',
  fix: 'all',
  versions: { before: '1.29.7' },
  check(ctx) {
    const view = versionView(ctx.version);
    if (view.keepaliveByDefault) return;
    if (!ctx.model.uses('keepalive')) return;
    const findings: Finding<Data>[] = [];
    for (const node of ctx.model.named('proxy_pass')) {
      if (!node.parent) continue;
      const target = passTarget(ctx, node);
      const keepalive = target?.upstream ? ctx.model.directivesIn(target.upstream, 'keepalive')[0] : undefined;
      if (!keepalive) continue;
      const version = ctx.model.first(node.parent, 'proxy_http_version')?.d.args[0]?.value ?? '1.0';
      if (version !== '1.0') continue;
      const needsConnection = keepalive.d.args[0]?.value !== '0' && !effectiveHeaders(ctx, node.parent).headers.has('connection') && !isWebSocketBlock(ctx, node.parent);
      findings.push({ node, key: target!.host, data: { keepalive, needsConnection }, related: [] });
    }
    const inherits = (inner: Finding<Data>, outer: Finding<Data>): boolean =>
      !ctx.model.directivesIn(inner.node.parent, 'proxy_http_version').length &&
      effectiveHeaders(ctx, inner.node.parent).level === effectiveHeaders(ctx, outer.node.parent).level &&
      inner.data.needsConnection === outer.data.needsConnection;
    for (const f of foldNested(findings, inherits)) {
      const { node, data } = f;
      const host = f.key;
      const n = data.keepalive.d.args[0]?.value ?? '';
      const message = data.needsConnection
        ? `upstream "${host}" has keepalive ${n}, but this location sends HTTP/1.0 and "Connection: close". Each connection closes after one response; add proxy_http_version 1.1 and proxy_set_header Connection ""${view.note}`
        : `upstream "${host}" has keepalive ${n}, but this location sends HTTP/1.0. Each connection closes after one response; add proxy_http_version 1.1${view.note}`;
      ctx.report(node, message, {
        related: [{ file: data.keepalive.file.source.path, start: data.keepalive.d.start, end: data.keepalive.d.headEnd, message: 'keepalive set here' }, ...f.related],
        fixes: () => {
          const block = fixBlock(node);
          if (!block) return [];
          let edits: TextEdit[];
          let copied: string[] = [];
          if (!data.needsConnection) edits = setDirectives(ctx.model, block, [['proxy_http_version', '1.1']]);
          else if (ctx.model.directivesIn(block, 'proxy_http_version').some((d) => writtenIn(d, block))) {
            const conn = addListLines(ctx.model, block, ['proxy_set_header Connection "";']);
            edits = conn ? [...setDirectives(ctx.model, block, [['proxy_http_version', '1.1']]), conn.edit] : [];
            copied = conn?.copied ?? [];
          } else if (ctx.model.directivesIn(block, 'proxy_http_version').length) edits = [];
          else if (ctx.model.directivesIn(block, 'proxy_set_header').some((d) => writtenIn(d, block))) {
            // each line beside its kind: the version after proxy_pass, the header after the block's own headers
            const version = addDirectives(ctx.model, block, ['proxy_http_version 1.1;']);
            const conn = addListLines(ctx.model, block, ['proxy_set_header Connection "";']);
            edits = version && conn ? [version, conn.edit] : [];
          } else {
            const both = addListLines(ctx.model, block, ['proxy_http_version 1.1;', 'proxy_set_header Connection "";']);
            edits = both ? [both.edit] : [];
            copied = both?.copied ?? [];
          }
          const title = data.needsConnection ? `Add proxy_http_version 1.1 and proxy_set_header Connection ""${inheritedNote(copied)}` : 'Use "proxy_http_version 1.1;"';
          return edits.length ? [{ title, edits, isPreferred: true }] : [];
        },
      });
    }
  },
};
