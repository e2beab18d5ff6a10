// The "Explain this 502" report page: the host renders the report (client/src/explain/html.ts);
// this script sends which link or button was used, by number, and shows probe results.
import { all, connect, dataId } from './api';
import type { ExplainToHost, ExplainToPage } from './messages';

const host = connect<ExplainToHost, ExplainToPage>((m) => {
  if (m.type !== 'probed') return;
  const out = document.getElementById(`probe-${Number(m.id)}`);
  if (!out) return;
  out.textContent = String(m.text);
  out.className = `probe-result ${m.ok ? 'ok' : 'fail'}`;
});

for (const a of all<HTMLAnchorElement>('a.open')) {
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    host.post({ type: 'open', id: dataId(a, 'data-open') });
  });
}
for (const b of all<HTMLButtonElement>('button.apply')) {
  b.addEventListener('click', () => {
    b.disabled = true;
    host.post({ type: 'apply', id: dataId(b, 'data-apply') });
  });
}
for (const b of all<HTMLButtonElement>('button.probe')) {
  b.addEventListener('click', () => {
    const id = dataId(b, 'data-probe');
    const out = document.getElementById(`probe-${id}`);
    if (out) {
      out.textContent = 'connecting...';
      out.className = 'probe-result';
    }
    host.post({ type: 'probe', id });
  });
}
