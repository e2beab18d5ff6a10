// The messages between each webview page (client/webview/<view>.ts) and the extension host
// (client/src/<feature>/index.ts): one union per direction per view, so a typo in a message type
// or a field does not compile on either side. Pages are not trusted: the host reads what a page
// sends through the guards below, and links and buttons carry numbers that the host looks up in
// what it rendered itself.
import type { TailStateEvent } from '../../server/src/protocol/protocol';

// ----- explain report ----------------------------------------------------------------------------

export type ExplainToHost =
  | { type: 'open'; id: number }
  | { type: 'apply'; id: number }
  | { type: 'probe'; id: number };

export type ExplainToPage = { type: 'probed'; id: number; ok: boolean; text: string };

// ----- tail view ---------------------------------------------------------------------------------

/** One log line as the page shows it (plain data; the page renders it with textContent). */
export interface TailViewLine {
  id: number;
  source: string;
  /** The machine the line comes from (TailEvent.host). */
  host: string;
  text: string;
  kind: string;
  level: string | null;
  failure: boolean;
  status: number | null;
  cause?: string;
  summary?: string;
  location?: string;
  server?: string;
  /** The link goes to a host's deployed file that is not the workspace's ("deployed on web2, differs from line 4"). */
  differs?: string;
}

export type TailToHost =
  | { type: 'ready' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'clear' }
  | { type: 'open'; id: number; what: 'location' | 'server' }
  | { type: 'explain'; id: number };

export type TailToPage =
  | { type: 'init'; maxLines: number; canExplain: boolean; lines: TailViewLine[]; states: TailStateEvent[] }
  | { type: 'append'; lines: TailViewLine[] }
  | { type: 'states'; states: TailStateEvent[] }
  | { type: 'held'; count: number };

// ----- server checklist ("Check Server for 502 Causes") ------------------------------------------

export type CheckServerToHost =
  | { type: 'open'; id: number }
  | { type: 'explain'; id: number }
  | { type: 'quickfix'; id: number }
  | { type: 'rerun'; request: boolean }
  /** Check only the nginx master with this pid (null: every instance again). */
  | { type: 'instance'; pid: number | null };

export type CheckServerToPage = { type: 'running' } | { type: 'idle' };

// ----- guards for what the host receives -----------------------------------------------------------

function fields(m: unknown): { type?: unknown; id?: unknown; what?: unknown } | null {
  return m && typeof m === 'object' ? (m as { type?: unknown; id?: unknown; what?: unknown }) : null;
}

/** A row or link number: a non-negative integer. */
const isId = (id: unknown): id is number => typeof id === 'number' && Number.isInteger(id) && id >= 0;

export function explainMessage(m: unknown): ExplainToHost | null {
  const f = fields(m);
  if (!f || !isId(f.id)) return null;
  return f.type === 'open' || f.type === 'apply' || f.type === 'probe' ? { type: f.type, id: f.id } : null;
}

export function tailMessage(m: unknown): TailToHost | null {
  const f = fields(m);
  if (!f) return null;
  switch (f.type) {
    case 'ready':
    case 'pause':
    case 'resume':
    case 'clear':
      return { type: f.type };
    case 'open':
      return isId(f.id) ? { type: 'open', id: f.id, what: f.what === 'server' ? 'server' : 'location' } : null;
    case 'explain':
      return isId(f.id) ? { type: 'explain', id: f.id } : null;
    default:
      return null;
  }
}

export function checkServerMessage(m: unknown): CheckServerToHost | null {
  const f = fields(m);
  if (!f) return null;
  if (f.type === 'rerun') return { type: 'rerun', request: (m as { request?: unknown }).request === true };
  if (f.type === 'instance') {
    const pid = (m as { pid?: unknown }).pid;
    return pid === null || (typeof pid === 'number' && Number.isInteger(pid) && pid > 0) ? { type: 'instance', pid } : null;
  }
  return (f.type === 'open' || f.type === 'explain' || f.type === 'quickfix') && isId(f.id) ? { type: f.type, id: f.id } : null;
}
