// The cause table of docs/logs.md, rendered from the cause records (core/logs/causes.ts). Written
// into the doc by scripts/gen-cause-table.mjs; test/unit/logs-causes.test.ts fails when the doc
// and the records disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cause } from '../../server/src/core/index';
import { REPO } from './repo';

export const LOGS_DOC = join(REPO, 'docs', 'logs.md');
const BEGIN = '<!-- cause table: generated from core/logs/causes.ts by scripts/gen-cause-table.mjs -->';
const END = '<!-- end of cause table -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function statusText(c: Cause): string {
  if (c.status === null) return c.id === 'unknown' ? '-' : 'none of its own';
  return c.status === 9 ? '009' : String(c.status);
}

/** One row per cause, in catalogue order. */
export function causeTable(causes: readonly Cause[]): string {
  const rows = causes.map((c) => {
    const shown = (c.settings ?? []).map((s) => `\`${s}\``).join(', ');
    const extra = [c.limit ? `flags \`${c.limit}\`` : '', c.probeHelps ? 'probe the backend' : ''].filter(Boolean).join('; ');
    return `| \`${c.id}\` | ${statusText(c)} | ${cell(c.title)} | ${shown || '-'} | ${extra || '-'} |`;
  });
  return [
    '| cause id | status | what happened | settings shown | doctor / probe |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The table block as it stands in docs/logs.md (null when the markers are missing). */
export function tableInDoc(text = readFileSync(LOGS_DOC, 'utf8')): string | null {
  const i = text.indexOf(BEGIN);
  const j = text.indexOf(END);
  return i < 0 || j < i ? null : text.slice(i + BEGIN.length, j).trim();
}

/** Rewrites the block between the markers; returns true when the file changed. */
export function writeTable(causes: readonly Cause[]): boolean {
  const text = readFileSync(LOGS_DOC, 'utf8');
  const i = text.indexOf(BEGIN);
  const j = text.indexOf(END);
  if (i < 0 || j < i) throw new Error(`${LOGS_DOC}: the markers of the cause table are missing`);
  const next = `${text.slice(0, i + BEGIN.length)}\n${causeTable(causes)}\n${text.slice(j)}`;
  if (next === text) return false;
  writeFileSync(LOGS_DOC, next);
  return true;
}
