// The "Check Server for 502 Causes" report page (its script: client/webview/check-server.ts). Same
// rules as the explain report: every string from the report goes through esc() (the CLI's text
// quotes hosts, log lines and config values: untrusted). Links and buttons carry the row number
// only: the extension looks the row up in the report it rendered and checks that the row has what
// the button asks for.
import type { DoctorCheck, DoctorReport, DoctorStatus } from '../../../server/src/protocol/protocol';
import { esc } from '../webview';

export interface DoctorPageModel {
  report: DoctorReport;
  /** Where it ran, as picked: "This machine" or "SSH web1". */
  target: string;
  /** Which config the checks read: the workspace's root config, or the deployed one. */
  configNote: string;
  /** Per check (same index): the label of its config link ("conf.d/upstreams.conf:25"), or null. */
  places: (string | null)[];
  /** When the run ended (shown as is). */
  when: string;
  /** Counts the runs shown in this panel (data-run on the body). */
  run: number;
  /** Per check (same index): whether its config line has quick fixes (the "Quick fix…" button). */
  fixable: boolean[];
  /** The nginx master picked (--pid), if one was. */
  pid?: number;
}

const LABEL: Record<DoctorStatus, string> = { fail: '✖ FAIL', warn: '⚠ WARN', pass: '✔ pass', skip: '– skip' };

export function counts(r: DoctorReport): Record<DoctorStatus, number> {
  const n: Record<DoctorStatus, number> = { fail: 0, warn: 0, pass: 0, skip: 0 };
  for (const c of r.checks) n[c.status]++;
  return n;
}

/** Whether a row may get a "Quick fix…" button: a failed or warned row with a config line (which must also have quick fixes). */
export function canQuickFix(c: DoctorCheck): boolean {
  return !!c.location && (c.status === 'fail' || c.status === 'warn');
}

export function canExplain(c: DoctorCheck): boolean {
  return !!c.logLines && c.logLines.length > 0;
}

/** "nginx pid 812 runs /srv/proxy/nginx.conf (command line)" or "no nginx master runs; its config: ... (nginx -V)". */
function instanceText(i: NonNullable<DoctorReport['instances']>[number]): string {
  return i.pid !== null ? `nginx pid ${i.pid} runs ${i.conf} (${i.confFrom})` : `no nginx master runs; its config would be ${i.conf} (${i.confFrom})`;
}

/** The page's parts; Ctx.pageHtml adds the CSP and the script. */
export function doctorPage(m: DoctorPageModel): { title: string; style: string; body: string; bodyAttributes: string } {
  const r = m.report;
  const n = counts(r);
  const rows = r.checks.map((c, i) => {
    const place = m.places[i];
    const config = c.location && place
      ? `<a href="#" class="open" data-open="${i}" title="${esc(c.location.file)}:${c.location.line}">${esc(place)}</a>`
      : '<span class="muted none">—</span>';
    const actions: string[] = [];
    if (canExplain(c)) actions.push(`<button type="button" class="explain" data-explain="${i}" title="Explain the ${c.logLines!.length} log line(s) behind this row">Explain</button>`);
    if (canQuickFix(c) && m.fixable[i]) actions.push(`<button type="button" class="quickfix" data-quickfix="${i}" title="Open the config line and show its quick fixes">Quick fix…</button>`);
    const dim = c.status === 'pass' || c.status === 'skip';
    const was = c.previous !== undefined && c.previous !== null && c.previous !== c.status ? `<span class="was muted" title="In the previous run">was ${esc(c.previous)}</span>` : '';
    return `<tr class="check st-${c.status}" data-status="${c.status}" data-id="${esc(c.id)}" data-row="${i}"${c.previous !== undefined ? ` data-previous="${esc(String(c.previous))}"` : ''}>
<td class="status"><span class="badge ${c.status}">${LABEL[c.status]}</span>${was ? ` ${was}` : ''}</td>
<td class="title">${esc(c.title)}</td>
<td class="found" data-label="Found">${esc(c.found)}</td>
<td class="expected${dim ? ' muted' : ''}" data-label="Expected">${esc(c.expected)}</td>
<td class="advice" data-label="Advice">${c.advice && !dim ? esc(c.advice) : c.advice ? `<span class="muted">${esc(c.advice)}</span>` : ''}</td>
<td class="config" data-label="Config">${config}</td>
<td class="actions">${actions.join(' ')}</td>
</tr>`;
  });
  const summary = `<span class="n fail">${n.fail} failed</span> · <span class="n warn">${n.warn} warning${n.warn === 1 ? '' : 's'}</span> · <span class="n pass">${n.pass} passed</span> · <span class="n skip">${n.skip} skipped</span>`;
  const verdict = n.fail
    ? `<p class="verdict fail">${n.fail} check${n.fail === 1 ? '' : 's'} failed: the highlighted rows are the likely 502 causes.</p>`
    : n.warn
      ? '<p class="verdict warn">No check failed; the warnings are worth a look.</p>'
      : '<p class="verdict pass">No check failed.</p>';
  const cmp = r.compare;
  const compared = cmp
    ? `<section class="compare" id="compare"><p><b>Since the previous run</b>${cmp.previousDate ? ` <span class="muted">(${esc(cmp.previousDate)} on the host; older log lines do not count)</span>` : ''}: <span class="n pass">${cmp.fixed.length} now pass</span> · <span class="n fail">${cmp.stillFailing.length} still fail</span> · <span class="n warn">${cmp.newFailures.length} new</span></p>
${cmp.fixed.length ? `<ul class="fixed">${cmp.fixed.map((t) => `<li>✔ ${esc(t)}</li>`).join('')}</ul>` : ''}${cmp.stillFailing.length ? `<ul class="still">${cmp.stillFailing.map((t) => `<li>✖ ${esc(t)}</li>`).join('')}</ul>` : ''}${cmp.newFailures.length ? `<ul class="new">${cmp.newFailures.map((t) => `<li>new: ${esc(t)}</li>`).join('')}</ul>` : ''}</section>`
    : '';
  const running = (r.instances ?? []).length > 1
    ? `<p class="instances muted">${r.instances!.length} nginx instances, each checked:</p><ul class="instances">${r.instances!.map((i) => `<li>${esc(instanceText(i))}${i.pid !== null ? ` <button type="button" class="instance" data-pid="${i.pid}" title="Run the checks again for this nginx only (--pid ${i.pid})">Check only this one</button>` : ''}</li>`).join('')}</ul>`
    : m.pid !== undefined
      ? `<p class="instances muted">${esc((r.instances ?? []).map(instanceText).join('; '))} (picked) <button type="button" class="instance" data-pid="" title="Run the checks again for every running nginx">Check every instance</button></p>`
    : (r.instances ?? []).length === 1 ? `<p class="instances muted">${esc(instanceText(r.instances![0]!))}</p>` : '';
  return {
    title: '502 checklist',
    bodyAttributes: `data-run="${m.run}"`,
    style: `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 8px 16px; }
  h1 { font-size: 1.3em; margin: 4px 0; }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 8px; }
  .counts { font-weight: 600; }
  .muted { color: var(--vscode-descriptionForeground); }
  .n.fail, .verdict.fail { color: var(--vscode-errorForeground); }
  .n.warn, .verdict.warn { color: var(--vscode-editorWarning-foreground, #cca700); }
  .n.pass, .verdict.pass { color: var(--vscode-testing-iconPassed, #3c3); }
  table { border-collapse: collapse; width: 100%; margin-top: 8px; }
  th { text-align: left; font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border); padding: 4px 8px; position: sticky; top: 0; background: var(--vscode-editor-background); }
  td { vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); overflow-wrap: anywhere; }
  td.status, td.config, td.actions { white-space: nowrap; overflow-wrap: normal; }
  td.title { min-width: 14em; }
  td.found { min-width: 12em; white-space: pre-line; }
  tr.st-fail { background: color-mix(in srgb, var(--vscode-errorForeground) 9%, transparent); }
  tr.st-fail td:first-child { border-left: 3px solid var(--vscode-errorForeground); }
  tr.st-warn td:first-child { border-left: 3px solid var(--vscode-editorWarning-foreground, #cca700); }
  tr.st-pass td:first-child, tr.st-skip td:first-child { border-left: 3px solid transparent; }
  tr.st-pass, tr.st-skip { color: var(--vscode-descriptionForeground); }
  tr.st-fail td.title, tr.st-warn td.title { font-weight: 600; color: var(--vscode-foreground); }
  .badge { font-family: var(--vscode-editor-font-family); font-weight: 600; }
  .badge.fail { color: var(--vscode-errorForeground); }
  .badge.warn { color: var(--vscode-editorWarning-foreground, #cca700); }
  .badge.pass { color: var(--vscode-testing-iconPassed, #3c3); }
  a { color: var(--vscode-textLink-foreground); cursor: pointer; font-family: var(--vscode-editor-font-family); }
  button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 2px 10px; cursor: pointer; }
  button:disabled { opacity: 0.6; cursor: default; }
  /* a narrow panel (beside an editor): one block per check instead of squeezed columns */
  @media (max-width: 900px) {
    table.checks, table.checks tbody, table.checks tr, table.checks td { display: block; }
    table.checks thead { display: none; }
    table.checks tr { border-bottom: 1px solid var(--vscode-panel-border); border-left: 3px solid transparent; padding: 4px 0; }
    table.checks tr.st-fail { border-left-color: var(--vscode-errorForeground); }
    table.checks tr.st-warn { border-left-color: var(--vscode-editorWarning-foreground, #cca700); }
    table.checks td { border: none; padding: 1px 8px; min-width: 0; white-space: normal; }
    table.checks td:first-child { border-left: none; display: inline-block; }
    table.checks td.title { display: inline; }
    table.checks td:empty, table.checks td.config:has(.none) { display: none; }
    table.checks td[data-label]::before { content: attr(data-label) ": "; color: var(--vscode-descriptionForeground); font-weight: 600; }
  }
  .compare { border-left: 3px solid var(--vscode-textLink-foreground); padding: 2px 8px; margin: 8px 0; }
  .compare ul { margin: 2px 0; padding-left: 1.5em; list-style: none; }
  .was { font-size: 0.9em; }
  ul.instances { margin: 2px 0; padding-left: 1.5em; }
  button.instance { padding: 0 6px; margin-left: 6px; }
  #running { display: none; }
  body.running #running { display: inline; }
`,
    body: `<header>
  <h1>502 checklist for <span class="host">${esc(r.host)}</span></h1>
  <span class="muted">${esc(m.target)} · ${esc(m.configNote)} · ${esc(m.when)}</span>
  <span class="counts">${summary}</span>
  <button type="button" id="rerun" title="Run the checks again and say which failing rows pass now">Run again</button>
  <button type="button" id="rerun-request" title="Also send one GET per failing location through nginx, from the host over loopback">Run again + request through nginx</button>
  <span id="running" class="muted">running…</span>
</header>
${running}
${compared}
${verdict}
${r.checks.length ? `<table class="checks">
<thead><tr><th>Status</th><th>Check</th><th>Found</th><th>Expected</th><th>Advice</th><th>Config</th><th></th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>` : '<p>The checks returned no rows.</p>'}`,
  };
}
