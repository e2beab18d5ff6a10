// `nginx -t` on the host: its verdict, with the first error linked to the config line it names.
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { placeOfServerPath, row } from '../context';

const TITLE = 'nginx -t accepts the deployed config';

export interface NginxMessage {
  level: string;
  text: string;
  file: string | null;
  line: number | null;
}

/**
 * "nginx: [emerg] unknown directive "x" in /etc/nginx/a.conf:3" -> parts. Once the config has set
 * an error_log, nginx -t writes in the log's format instead: "2026/11/22 06:49:42 [emerg] 31536#31536: ...".
 */
export function parseTestOutput(text: string): NginxMessage[] {
  const out: NginxMessage[] = [];
  for (const raw of text.split('\n')) {
    const m = /^(?:nginx: |\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )\[(\w+)\] (?:\d+#\d+: )?(.*?)(?: in (\/.*?):(\d+))?\s*$/.exec(raw.trim());
    if (m) out.push({ level: m[1]!, text: m[2]!, file: m[3] ?? null, line: m[4] ? Number(m[4]) : null });
  }
  return out;
}

function test(ctx: FactsOf<'host' | 'config'>): DoctorCheck {
  const f = ctx.facts;
  const title = TITLE;
  if (!f.nginxV) return row('nginx-config-test', title, 'skip', 'nginx is not installed', 'nginx -t: test is successful', '');
  const t = f.test;
  if (!t) return row('nginx-config-test', title, 'skip', 'nginx -t did not run', 'nginx -t: test is successful', '');
  const msgs = parseTestOutput(t.text);
  const errors = msgs.filter((m) => m.level === 'emerg' || m.level === 'alert' || m.level === 'crit');
  if (t.rc === 0 && /test is successful/.test(t.text)) {
    const warns = msgs.filter((m) => m.level === 'warn');
    if (warns.length) {
      const w = warns[0]!;
      return row('nginx-config-test', title, 'warn', `test is successful, with ${warns.length} warning(s): ${w.text}`, 'no warnings',
        'Warnings do not stop nginx, but often mean a setting is ignored (e.g. a duplicate server_name).', w.file && w.line ? placeOfServerPath(ctx, w.file, w.line) : null);
    }
    return row('nginx-config-test', title, 'pass', 'syntax is ok, test is successful', 'test is successful', '');
  }
  if (t.rc === 124) return row('nginx-config-test', title, 'warn', 'nginx -t did not finish within 30 s', 'test is successful', 'nginx -t may hang resolving host names in the config: check DNS on the host.');
  const first = errors[0] ?? msgs[0];
  const found = first ? `[${first.level}] ${first.text}${first.file ? ` in ${first.file}:${first.line}` : ''}` : t.text.trim().split('\n')[0] ?? `exit ${t.rc}`;
  const denied = errors.length > 0 && errors.every((m) => /\(13: Permission denied\)/.test(m.text));
  if (denied && f.uid !== 0) {
    return row('nginx-config-test', title, 'warn', `nginx -t cannot run fully as this user: ${found}`, 'test is successful',
      'nginx -t needs root to open the pid file, logs and certificates. Run the check with sudo (--sudo; passwordless sudo only) to get its verdict.');
  }
  return row('nginx-config-test', title, 'fail', found, 'syntax is ok, test is successful',
    'nginx keeps running its previous config until this is fixed, and a restart would fail. Fix the line shown, then "nginx -t" and "systemctl reload nginx".',
    first && first.file && first.line ? placeOfServerPath(ctx, first.file, first.line) : null);
}

export const configTest = check({
  id: 'nginx-config-test',
  title: TITLE,
  needs: ['host', 'config'],
  run: (f) => [test(f)],
});
