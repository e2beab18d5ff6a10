// The config nginx runs (`nginx -T` on the host) against the workspace's: which files differ.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { row, workspacePathOf } from '../context';

const TITLE = 'the deployed config matches the workspace';

const norm = (s: string): string => s.replace(/\r\n/g, '\n').replace(/\n+$/, '');

function compare(ctx: FactsOf<'host' | 'config' | 'deployed'>): DoctorCheck {
  const dump = ctx.dump;
  const title = TITLE;
  const expected = 'the files nginx -T prints equal the workspace files';
  if (!ctx.localRoot) return row('deployed-config', title, 'skip', 'no workspace config given (--config): the checks read the deployed config', expected, '');
  if (!dump) {
    const why = !ctx.facts.nginxV ? 'nginx is not installed' : ctx.facts.test && ctx.facts.test.rc !== 0 ? 'nginx -T failed (see the nginx -t row)' : 'nginx -T printed no config';
    return row('deployed-config', title, 'skip', `cannot compare: ${why}`, expected, '');
  }
  const differ: { name: string; line: number; local: string }[] = [];
  const missing: string[] = [];
  for (const [path, text] of dump.files) {
    const local = workspacePathOf(ctx.localRoot, dump.root, path);
    if (!local) continue; // outside the config directory (e.g. /usr/share/nginx/modules-available)
    const rel = path === dump.root ? null : posix.relative(posix.dirname(dump.root), path);
    let mine: string;
    try {
      mine = readFileSync(local, 'utf8');
    } catch {
      missing.push(rel ?? posix.basename(path));
      continue;
    }
    const a = norm(text).split('\n');
    const b = norm(mine).split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i]!.trimEnd() === b[i]!.trimEnd()) i++;
    if (i < a.length || i < b.length) differ.push({ name: rel ?? posix.basename(path), line: i + 1, local });
  }
  if (!differ.length && !missing.length) return row('deployed-config', title, 'pass', `${dump.files.size} file(s) identical`, expected, '');
  const parts: string[] = [];
  if (differ.length) parts.push(`${differ.length} file(s) differ: ${differ.slice(0, 5).map((d) => `${d.name} (from line ${d.line})`).join(', ')}${differ.length > 5 ? ', ...' : ''}`);
  if (missing.length) parts.push(`${missing.length} deployed file(s) not in the workspace: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
  return row('deployed-config', title, 'warn', parts.join('; '), expected,
    'The host runs another config than the one you are editing: the results below follow the workspace. Deploy it (then nginx -t and systemctl reload nginx), or open the deployed copy.',
    differ[0] ? { file: differ[0].local, line: differ[0].line } : null);
}

export const deployedConfig = check({
  id: 'deployed-config',
  title: TITLE,
  needs: ['host', 'config', 'deployed'],
  run: (f) => [compare(f)],
});
