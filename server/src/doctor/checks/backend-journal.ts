// A failed backend that the user mapped to a systemd unit: the last lines of `journalctl -u UNIT`
// on its machine, where the service says why it stopped or refuses (phase 3). Shown as they are,
// newest last; the row says when there is no journal, no entry, or no permission to read it.
import { check } from '../check';
import { placeOf, row } from '../context';
import { hopKey } from '../backend-hosts';
import { JOURNAL_LINES } from '../backend-script';
import { addrText } from './backend-reachable';

const ID = 'backend-journal';
/** Lines of the journal shown in the row. */
export const SHOWN = 10;

/** journalctl's output -> its entries, or why there are none. */
export function journalEntries(text: string): { lines: string[] } | { none: string; permission: boolean } {
  const all = text.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  // journalctl's own notices ("-- No entries --", "Hint: ..." and its indented continuation lines)
  const notes: string[] = [];
  const lines: string[] = [];
  for (const l of all) {
    const note = /^-- .* --$/.test(l) || /^(No journal files|Hint:|Failed to|Warning:)/.test(l) || /insufficient permissions|not seeing messages/i.test(l) || (/^\s/.test(l) && notes.length > 0 && !lines.length);
    (note ? notes : lines).push(l);
  }
  if (lines.length) return { lines };
  const permission = all.some((l) => /insufficient permissions|not seeing messages|Permission denied/i.test(l));
  if (all.some((l) => /No journal files were found/.test(l))) return { none: 'no journal on that machine (journalctl: "No journal files were found")', permission };
  if (permission) return { none: 'no permission to read the journal', permission };
  return { none: all.some((l) => /-- No entries --/.test(l)) ? 'no journal entries' : `journalctl printed nothing${all.length ? ` but "${all[0]!.slice(0, 200)}"` : ''}`, permission };
}

export const backendJournal = check({
  id: ID,
  title: "a failed backend's journal (last lines)",
  needs: ['config', 'backend', 'backendHosts'],
  run: (f) => {
    const b = f.backend;
    const hop = b && f.hops.get(hopKey(b));
    if (!b || !hop || !hop.result.ok) return [];
    const { unit } = hop.mapping;
    const h = hop.result.facts;
    const title = `backend ${addrText(b)}: journalctl -u ${unit} on ${hop.hostLabel}`;
    const expected = `the last ${JOURNAL_LINES} lines of ${unit}'s journal`;
    const loc = placeOf(f, b.node);
    const j = h.units.get(unit)?.journal;
    if (!h.journalctl || !j) return [row(ID, title, 'skip', `journalctl is not installed on ${hop.hostLabel}`, expected, "Read the service's own log file instead.", loc)];
    const e = journalEntries(j.text);
    if ('none' in e) {
      const advice = e.permission
        ? `Add the SSH user to the systemd-journal (or adm) group on ${hop.hostLabel}, or map the backend with "sudo": true.`
        : "Read the service's own log file instead.";
      return [row(ID, title, 'skip', `${e.none} (journalctl -u ${unit})`, expected, advice, loc)];
    }
    const last = e.lines.slice(-SHOWN);
    return [row(ID, title, 'warn', `last ${last.length} of ${e.lines.length} line(s):\n${last.join('\n')}`, expected,
      `What ${unit} said last; the whole story: journalctl -u ${unit} -e on ${hop.hostLabel}.`, loc)];
  },
});
