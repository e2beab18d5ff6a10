// The server checklist page ("Check Server for 502 Causes"): the host renders the report
// (client/src/doctor/html.ts); this script sends which row's link or button was used, by row
// number, and shows whether a run is going on.
import { all, connect, dataId } from './api';
import type { CheckServerToHost, CheckServerToPage } from './messages';

const rerun = document.getElementById('rerun') as HTMLButtonElement | null;
const rerunRequest = document.getElementById('rerun-request') as HTMLButtonElement | null;

function running(on: boolean): void {
  for (const b of all<HTMLButtonElement>('button.instance')) b.disabled = on;
  if (rerun) rerun.disabled = on;
  if (rerunRequest) rerunRequest.disabled = on;
  document.body.classList.toggle('running', on);
}

const host = connect<CheckServerToHost, CheckServerToPage>((m) => {
  if (m.type === 'running') running(true);
  if (m.type === 'idle') running(false);
});

for (const a of all<HTMLAnchorElement>('a.open')) {
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    host.post({ type: 'open', id: dataId(a, 'data-open') });
  });
}
for (const b of all<HTMLButtonElement>('button.explain')) b.addEventListener('click', () => host.post({ type: 'explain', id: dataId(b, 'data-explain') }));
for (const b of all<HTMLButtonElement>('button.quickfix')) b.addEventListener('click', () => host.post({ type: 'quickfix', id: dataId(b, 'data-quickfix') }));
for (const b of all<HTMLButtonElement>('button.instance')) {
  b.addEventListener('click', () => {
    running(true);
    const pid = b.getAttribute('data-pid');
    host.post({ type: 'instance', pid: pid ? Number(pid) : null });
  });
}
rerun?.addEventListener('click', () => {
  running(true);
  host.post({ type: 'rerun', request: false });
});
rerunRequest?.addEventListener('click', () => {
  running(true);
  host.post({ type: 'rerun', request: true });
});
