// The exporter's pieces without a network: the --metrics address (loopback unless a host is
// named), the host label of each kind of source, and what the counters make of tail events
// (source_up of a host with two logs, unlinked failures, the label values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListenAddress, formatAddress, AddressError } from '../../server/src/metrics/address';
import { hostLabelOf } from '../../server/src/metrics/host-label';
import { TailMetrics } from '../../server/src/metrics/tail-metrics';
import type { TailEvent } from '../../server/src/protocol/protocol';

test('--metrics addresses: a port alone is loopback; HOST:PORT and [IPv6]:PORT as given; nonsense refused', () => {
  assert.deepEqual(parseListenAddress('9925'), { host: '127.0.0.1', port: 9925 });
  assert.deepEqual(parseListenAddress('0.0.0.0:9925'), { host: '0.0.0.0', port: 9925 });
  assert.deepEqual(parseListenAddress('[::1]:9925'), { host: '::1', port: 9925 });
  assert.deepEqual(parseListenAddress(':9925'), { host: '127.0.0.1', port: 9925 });
  assert.equal(formatAddress({ host: '::1', port: 1 }), '[::1]:1');
  for (const bad of ['', 'host', '70000', 'a:b', 'http://h:1', '-x:1', 'h:1:2', '::1:80']) assert.throws(() => parseListenAddress(bad), AddressError, bad);
});

test('host label: the SSH destination as given; a file or command is this machine; an event\'s own host tag wins', async () => {
  assert.equal(hostLabelOf({ kind: 'ssh', name: 'a', dest: 'deploy@web1' }, 'me'), 'deploy@web1');
  assert.equal(hostLabelOf({ kind: 'ssh', name: 'a', dest: 'ssh://deploy@127.0.0.1:2222' }, 'me'), 'ssh://deploy@127.0.0.1:2222');
  assert.equal(hostLabelOf({ kind: 'ssh', name: 'a', dest: 'web-alias' }, 'me'), 'web-alias');
  assert.equal(hostLabelOf({ kind: 'file', name: '/var/log/nginx/error.log' }, 'me'), 'me');
  assert.equal(hostLabelOf({ kind: 'command', name: 'docker' }, 'me'), 'me');
  const m = new TailMetrics({ hosts: new Map([['a', 'me']]) });
  m.observe({ type: 'line', source: 'a', seq: 1, text: 'x', kind: 'other', level: null, time: null, failure: false, status: null, host: 'web9' } as TailEvent);
  assert.match(await m.text(), /^nginx_doctor_log_lines_total\{host="web9"\} 1$/m);
});

const line = (source: string, over: Partial<Extract<TailEvent, { type: 'line' }>> = {}): TailEvent =>
  ({ type: 'line', source, host: source === 'c' ? 'web2' : 'web1', seq: 1, text: 'x', kind: 'error', level: 'error', time: null, failure: false, status: null, ...over });

test('counters: lines and failures per host, unlinked failures, source_up only while every log of the host is live', async () => {
  const m = new TailMetrics({ hosts: new Map([['a', 'web1'], ['b', 'web1'], ['c', 'web2']]) });
  const value = async (name: string, labels: string): Promise<number | undefined> => {
    const hit = new RegExp(`^${name}\\{${labels.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\} (\\S+)$`, 'm').exec(await m.text());
    return hit ? Number(hit[1]) : undefined;
  };
  assert.equal(await value('nginx_doctor_source_up', 'host="web1"'), 0, 'down until live');
  m.observe({ type: 'state', source: 'a', host: 'web1', state: 'live' });
  assert.equal(await value('nginx_doctor_source_up', 'host="web1"'), 0, 'b is still connecting');
  m.observe({ type: 'state', source: 'b', host: 'web1', state: 'live' });
  assert.equal(await value('nginx_doctor_source_up', 'host="web1"'), 1);
  m.observe({ type: 'state', source: 'b', host: 'web1', state: 'reconnecting' });
  assert.equal(await value('nginx_doctor_source_up', 'host="web1"'), 0);
  assert.equal(await value('nginx_doctor_source_up', 'host="web2"'), 0);

  m.observe(line('a'));
  m.observe(line('b', { failure: true, status: 502, cause: { id: 'upstream-refused', title: '' } }));
  m.observe(line('c', {
    failure: true, status: 504, cause: { id: 'upstream-read-timeout', title: '' },
    server: { file: '/etc/nginx/site', line: 3, name: 'shop.example' },
    location: { file: '/etc/nginx/site', line: 9, modifier: '^~', pattern: '/api/' },
  }));
  m.observe(line('unknown-source'));
  assert.equal(await value('nginx_doctor_log_lines_total', 'host="web1"'), 2);
  assert.equal(await value('nginx_doctor_log_lines_total', 'host="web2"'), 1);
  assert.equal(await value('nginx_doctor_unlinked_lines_total', 'host="web1"'), 1);
  assert.equal(await value('nginx_doctor_unlinked_lines_total', 'host="web2"'), 0);
  assert.equal(await value('nginx_doctor_upstream_failures_total', 'host="web1",server="",location="",cause="upstream-refused",status="502"'), 1);
  assert.equal(await value('nginx_doctor_upstream_failures_total', 'host="web2",server="shop.example",location="shop.example location ^~ /api/ /etc/nginx/site:9",cause="upstream-read-timeout",status="504"'), 1);
});
