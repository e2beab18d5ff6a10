// Where an added `resolver` line goes: beside the resolver settings already written in scope
// (resolver_timeout), else among the server's own settings at its start, before the first
// location (where the per-request *_pass users are), never at the bottom of the server.
import type { TextEdit } from '../diagnostic';
import type { ConfigNode } from '../workspace/config-set';
import type { Model } from '../model/model';
import { insertAfter, insertIntoBlock } from './builders';
import { editableBlock } from './guard';
import { writtenIn } from './headers';

export const RESOLVER_LINE = 'resolver 127.0.0.53 valid=30s;  # nginx-doctor: put your DNS server here';

/** The edit adding `line` for the per-request *_pass `pass` and the block it goes to, or null when no server holds it. */
export function addResolver(model: Model, pass: ConfigNode, line = RESOLVER_LINE): { edit: TextEdit; block: ConfigNode } | null {
  const server = model.enclosing(pass, ['server']);
  if (!server || !editableBlock(server)) return null;
  // beside resolver_timeout written in the pass's location, its server or http
  for (let level: ConfigNode | null = pass.parent; level; level = level.parent) {
    const beside = model.directivesIn(level, 'resolver_timeout').filter((n) => writtenIn(n, level!));
    if (beside.length) return { edit: insertAfter(beside[beside.length - 1]!, [line]), block: level };
    if (level.body === 'http') break;
  }
  // after the server's leading settings (listen, server_name ...), before its first block
  let last: ConfigNode | null = null;
  for (const c of server.children) {
    if (c.d.block) break;
    if (writtenIn(c, server)) last = c;
  }
  const edit = last ? insertAfter(last, [line]) : insertIntoBlock(server, [line], 'start');
  return edit ? { edit, block: server } : null;
}
