// What the extension host accepts from a webview page (client/webview/messages.ts): the page is
// not trusted, so anything but a well-formed message of that view is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkServerMessage, explainMessage, tailMessage } from '../../client/webview/messages';

test('explain: open, apply and probe with a row number; nothing else', () => {
  assert.deepEqual(explainMessage({ type: 'probe', id: 3 }), { type: 'probe', id: 3 });
  assert.deepEqual(explainMessage({ type: 'open', id: 0, file: '/etc/passwd' }), { type: 'open', id: 0 }, 'extra fields are not passed on');
  for (const bad of [null, 'open', {}, { type: 'open' }, { type: 'open', id: -1 }, { type: 'open', id: 1.5 }, { type: 'open', id: '1' }, { type: 'rerun', id: 1 }, { type: 'probed', id: 1 }]) {
    assert.equal(explainMessage(bad), null, JSON.stringify(bad));
  }
});

test('tail: the commands without ids, open and explain with one; what defaults to location', () => {
  for (const type of ['ready', 'pause', 'resume', 'clear'] as const) assert.deepEqual(tailMessage({ type }), { type });
  assert.deepEqual(tailMessage({ type: 'open', id: 7, what: 'server' }), { type: 'open', id: 7, what: 'server' });
  assert.deepEqual(tailMessage({ type: 'open', id: 7, what: 'anything' }), { type: 'open', id: 7, what: 'location' });
  assert.deepEqual(tailMessage({ type: 'explain', id: 2 }), { type: 'explain', id: 2 });
  for (const bad of [undefined, { type: 'explain' }, { type: 'open', id: NaN }, { type: 'append', lines: [] }, { type: 'init' }]) assert.equal(tailMessage(bad), null, String(JSON.stringify(bad)));
});

test('check server: rerun (with a request through nginx only when the page says true), and open/explain/quickfix with a row number', () => {
  assert.deepEqual(checkServerMessage({ type: 'rerun' }), { type: 'rerun', request: false });
  assert.deepEqual(checkServerMessage({ type: 'rerun', request: true }), { type: 'rerun', request: true });
  assert.deepEqual(checkServerMessage({ type: 'rerun', request: 'yes' }), { type: 'rerun', request: false });
  // several nginx masters: check one (a pid) or all again (null); nothing else
  assert.deepEqual(checkServerMessage({ type: 'instance', pid: 812 }), { type: 'instance', pid: 812 });
  assert.deepEqual(checkServerMessage({ type: 'instance', pid: null }), { type: 'instance', pid: null });
  for (const bad of [{ type: 'instance' }, { type: 'instance', pid: '812' }, { type: 'instance', pid: 0 }, { type: 'instance', pid: 1.5 }]) assert.equal(checkServerMessage(bad), null, JSON.stringify(bad));
  assert.deepEqual(checkServerMessage({ type: 'quickfix', id: 4 }), { type: 'quickfix', id: 4 });
  for (const bad of [{ type: 'quickfix' }, { type: 'apply', id: 1 }, { type: 'idle' }, 42]) assert.equal(checkServerMessage(bad), null, JSON.stringify(bad));
});
