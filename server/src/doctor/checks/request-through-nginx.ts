// Opt-in (--request): one GET per failing location, from the host through nginx over loopback
// (requests.ts picks the host, URI and port from the location's newest failing log line): what
// status comes back now, and how long the first byte took (the backend's time plus nginx's).
import type { DoctorCheck } from '../../protocol/protocol';
import { check, type FactsOf } from '../check';
import { placeOf, row } from '../context';
import type { RequestResult, RequestTarget } from '../requests';

const TITLE = 'a request through nginx to each failing location gets an answer';
const EXPECTED = 'an answer that is not 502, 503 or 504';

function requestRow(ctx: FactsOf<'config'>, t: RequestTarget, r: RequestResult | null): DoctorCheck {
  const url = `${t.scheme}://${t.host}:${t.port}${t.target}`;
  const title = `GET ${url} through nginx (${t.label})`;
  const at = placeOf(ctx, t.location);
  if (!r) return row('request-through-nginx', title, 'skip', 'not sent: the requests could not run on the host (see the connection row)', EXPECTED, '', at);
  const via = `sent to ${t.addr.includes(':') ? `[${t.addr}]` : t.addr}:${t.port} from the host`;
  if (r.status === null) {
    return row('request-through-nginx', title, 'warn', `no answer: ${r.message} (${via})`, EXPECTED, 'nginx did not answer on its own listen address: check that it runs and listens (nginx-ports row).', at);
  }
  const time = r.firstByte !== null ? ` after ${r.firstByte.toFixed(3)} s to the first byte (${(r.total ?? r.firstByte).toFixed(3)} s in all)` : '';
  const found = `${r.status}${time}; ${via}`;
  if (r.status === 502 || r.status === 503 || r.status === 504) {
    return row('request-through-nginx', title, 'fail', found, EXPECTED, 'The failure is still there: the rows above say why; after a fix, reload nginx (nginx -t && systemctl reload nginx) and run again.', at);
  }
  if (r.status >= 500) return row('request-through-nginx', title, 'warn', found, EXPECTED, 'nginx reached the backend; the backend answered with an error of its own.', at);
  return row('request-through-nginx', title, 'pass', found, EXPECTED, '', at);
}

export const requestThroughNginx = check({
  id: 'request-through-nginx',
  title: TITLE,
  needs: ['config', 'requests'],
  run: (f) => f.requests.map((q) => requestRow(f, q.target, q.result)),
});
