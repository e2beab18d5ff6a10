// docker-compose style: backends by service name. Names in variables go through `resolver` (here
// a stub DNS on loopback standing in for docker's 127.0.0.11); names in upstream{} and in a plain
// proxy_pass are resolved once at start-up through /etc/hosts (here a private one, in a mount
// namespace of nginx's own). The log names the addresses the names resolved to, which the config
// cannot confirm: every line links to its location as "likely", and says why.
import assert from 'node:assert/strict';
import { judge, privateHostsAvailable, layoutTest } from './lib';

const services = { frontend: '127.0.0.21', api: '127.0.0.22', backend: '127.0.0.23', websocket: '127.0.0.24' };

layoutTest('docker-compose service names: each line links to the location of its service, likely, with why', 'docker-compose', () => {
  assert.ok(privateHostsAvailable(), 'this test runs nginx with a private /etc/hosts (root and `unshare -m`), like a container has its own');
  return {
    backends: { dns: { dns: { frontend: services.frontend, api: services.api } }, frontend: 'listen', api: 'listen', backend: 'listen', ws: 'listen' },
    hosts: { backend: services.backend, websocket: services.websocket },
    requests: [
      { port: 'http', host: 'localhost', path: '/' },
      { port: 'http', host: 'localhost:8080', path: '/api/users/7' },
      { port: 'http', host: 'localhost', path: '/admin/' },
      { port: 'http', host: 'localhost', path: '/ws/chat' },
    ],
  };
}, (r, t) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 502, 502, 502]);
  const byAddress: Record<string, string> = { [services.frontend]: '/', [services.api]: '/api/', [services.backend]: '/admin/', [services.websocket]: '/ws/' };
  const problems = judge(r, (row) => {
    const ip = /^http:\/\/([\d.]+):/.exec(row.upstream ?? '')?.[1] ?? '';
    return byAddress[ip] ? { where: `conf.d/default.conf ${byAddress[ip]}`, confidence: 'likely' } : null;
  });
  assert.deepEqual(problems, []);
  assert.equal(r.rows.length, 4);
  for (const row of r.rows) assert.match(row.why!, /whose host name or variables nginx resolves at run time, which the config alone cannot confirm/);
  t.diagnostic(r.rows.map((x) => `${x.upstream} -> ${r.where(x)} (${x.confidence})`).join('; '));
});
