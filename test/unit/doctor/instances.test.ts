// Which nginx runs with what: master command lines as nginx rewrites them (argv joined by spaces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalErrorLogs, instancesOf, parseMasterCmdline } from '../../../server/src/doctor/instances';
import { errorLogPaths, mergeInstances } from '../../../server/src/doctor/run';
import { buildConfigSet, defaultCatalog } from '../../../server/src/core/index';
import { memoryHost } from '../../helpers/memory-host';
import { hostFacts } from './facts';
import type { DoctorCheck } from '../../../server/src/protocol/protocol';

const master = (pid: number, cmdline: string, exe = '/usr/sbin/nginx') => ({ pid, ppid: 1, uid: 0, label: '', exe, cmdline, role: 'master' as const });

test('a master\'s -c, -p, -g and -e, glued or apart, with a -g value of several directives', () => {
  assert.deepEqual(parseMasterCmdline('nginx: master process /usr/sbin/nginx -p /srv/proxy -c conf/nginx.conf -g daemon off; worker_processes 2; -e /tmp/e.log'),
    { argv0: '/usr/sbin/nginx', p: '/srv/proxy', c: 'conf/nginx.conf', g: 'daemon off; worker_processes 2;', e: '/tmp/e.log' });
  assert.deepEqual(parseMasterCmdline('nginx: master process nginx -c/etc/x.conf'), { argv0: 'nginx', c: '/etc/x.conf', p: null, g: null, e: null });
  assert.equal(parseMasterCmdline('nginx: worker process'), null);
});

test('instances: one per master, resolved against its prefix; the compiled-in one when none runs; --nginx-conf and --pid', () => {
  const f = hostFacts({ configure: new Map([['prefix', '/usr/share/nginx'], ['conf-path', '/etc/nginx/nginx.conf'], ['error-log-path', '/var/log/nginx/error.log']]) });
  const none = instancesOf(f);
  assert.deepEqual(none.map((i) => [i.pid, i.conf, i.defaultErrorLog, i.confFrom]), [[null, '/etc/nginx/nginx.conf', '/var/log/nginx/error.log', 'nginx -V']]);
  f.processes = [master(10, 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;'), master(20, 'nginx: master process /opt/ngx/sbin/nginx -p /srv/p -c conf/alt.conf', '/opt/ngx/sbin/nginx')];
  const two = instancesOf(f);
  assert.deepEqual(two.map((i) => [i.pid, i.binary, i.conf, i.prefix, i.globals]), [
    [10, '/usr/sbin/nginx', '/etc/nginx/nginx.conf', '/usr/share/nginx', 'daemon on; master_process on;'],
    [20, '/opt/ngx/sbin/nginx', '/srv/p/conf/alt.conf', '/srv/p', ''],
  ]);
  assert.deepEqual(instancesOf(f, { pid: 20 }).map((i) => i.pid), [20]);
  assert.deepEqual(instancesOf(f, { pid: 30 }).map((i) => i.pid), [null], 'no such master: the caller says so');
  const over = instancesOf(f, { nginxConf: '/srv/p/conf/alt.conf' });
  assert.deepEqual(over.map((i) => [i.pid, i.prefixOpt, i.confFrom]), [[20, '/srv/p', '--nginx-conf']]);
  assert.deepEqual(instancesOf(f, { nginxConf: '/tmp/other.conf' }).map((i) => [i.pid, i.conf]), [[null, '/tmp/other.conf']]);
});

test('error logs of the running config: every context, relative to the prefix, -g and -e, the default only when main sets none', () => {
  const f = hostFacts({ configure: new Map([['prefix', '/usr/share/nginx'], ['error-log-path', '/var/log/nginx/error.log']]), processes: [master(20, 'nginx: master process nginx -p /srv/p -c conf/a.conf -e logs/start.log')] });
  const [inst] = instancesOf(f);
  const conf = 'events {}\nhttp {\n    error_log logs/http.log warn;\n    server {\n        error_log /var/log/site.log debug;\n        location / { error_log syslog:server=1.2.3.4; error_log logs/loc.log; }\n    }\n}\n';
  const set = buildConfigSet('/srv/p/conf/a.conf', { host: memoryHost({ '/srv/p/conf/a.conf': conf }), catalog: defaultCatalog() });
  assert.deepEqual(errorLogPaths(set, inst!), ['/srv/p/logs/start.log', '/srv/p/logs/http.log', '/var/log/site.log', '/srv/p/logs/loc.log']);
  const withMain = buildConfigSet('/srv/p/conf/a.conf', { host: memoryHost({ '/srv/p/conf/a.conf': `error_log main.log;\n${conf}` }), catalog: defaultCatalog() });
  assert.equal(errorLogPaths(withMain, inst!)[0], '/srv/p/main.log');
  assert.deepEqual(globalErrorLogs('daemon off; error_log /x/e.log info;'), ['/x/e.log']);
  assert.deepEqual(errorLogPaths(null, { ...inst!, globals: 'error_log /x/e.log;' }), ['/x/e.log']);
});

test('two instances: rows alike once, the others labelled with their master; failures first', () => {
  const f = hostFacts({ processes: [master(10, 'nginx: master process nginx'), master(20, 'nginx: master process nginx -c /srv/b.conf')] });
  const insts = instancesOf(f);
  const r = (id: string, status: DoctorCheck['status'], found: string): DoctorCheck => ({ id, title: id, status, found, expected: '', advice: '', location: null });
  const merged = mergeInstances(insts, [[r('a', 'pass', 'same'), r('b', 'pass', 'x')], [r('a', 'pass', 'same'), r('b', 'fail', 'y')]]);
  assert.deepEqual(merged.map((c) => [c.title, c.status, c.instance]), [['b [nginx pid 20]', 'fail', 20], ['a', 'pass', undefined], ['b [nginx pid 10]', 'pass', 10]]);
});
