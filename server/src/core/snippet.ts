// Decides how to analyse a file: a root config (it has events/http/stream/mail at top level or
// is named nginx.conf), or a snippet that belongs inside some context. A snippet's context comes
// from a "# nginx-doctor: context server" comment, else from the first of http, server,
// location (then stream, stream_server) that accepts all of its top-level directives.
import type { BlockKind, Catalog } from './catalog/catalog';
import type { ParsedFile } from './syntax/ast';
import { readSuppressions } from './checks/suppressions';
import { basename } from './util/path';

const ROOT_BLOCKS = new Set(['events', 'http', 'stream', 'mail']);
const CANDIDATES: BlockKind[] = ['http', 'server', 'location', 'stream', 'stream_server', 'upstream'];
const KNOWN_CONTEXTS = new Set<string>([...CANDIDATES, 'main', 'if_location', 'if_server', 'limit_except', 'mail', 'mail_server', 'stream_upstream', 'events']);

export function isRootConfig(parsed: ParsedFile): boolean {
  if (basename(parsed.source.path) === 'nginx.conf') return true;
  return parsed.directives.some((d) => ROOT_BLOCKS.has(d.name) && d.block);
}

export interface SnippetContext {
  context: BlockKind;
  /** How it was chosen, for the message shown to the user. */
  reason: 'comment' | 'inferred' | 'default';
}

export function snippetContext(parsed: ParsedFile, catalog: Catalog): SnippetContext {
  const declared = readSuppressions(parsed).context;
  if (declared && KNOWN_CONTEXTS.has(declared)) return { context: declared as BlockKind, reason: 'comment' };
  const names = [...new Set(parsed.directives.map((d) => d.name))].filter((n) => n !== 'include');
  if (names.length === 0) return { context: 'http', reason: 'default' };
  for (const ctx of CANDIDATES) {
    if (names.every((n) => catalog.allowed(n, ctx, null).length > 0 || catalog.records(n).length === 0)) {
      return { context: ctx, reason: ctx === 'http' ? 'default' : 'inferred' };
    }
  }
  return { context: 'http', reason: 'default' };
}
