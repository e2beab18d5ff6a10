// Shared by the oracle tests: run one generated config in a real nginx, send the requests, and
// compare every answer with what `Matcher` predicts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher, buildConfigSet, defaultCatalog, type MatchResult, type ConfigNode } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { startNginx, stopNginx, type RunningNginx } from '../helpers/nginx-oracle';
import { pool, rawRequest, type RawResponse } from './harness';
import type { GenRequest } from './gen';

export interface Outcome {
  req: GenRequest;
  rid: number;
  /** What nginx did: "tag:L17", "status:400", "refused" ... */
  actual: string;
  expected: string;
  agree: boolean;
  /** Matcher said it could not decide everything (then nginx's answer must be among its candidates). */
  uncertain: boolean;
  result: MatchResult | null;
  response: RawResponse;
}

export function tagOf(node: ConfigNode | null | undefined): string | null {
  if (!node) return null;
  for (const c of node.children) {
    if (c.d.name === 'add_header' && c.d.args[0]?.value === 'X-Loc') return c.d.args[1]?.value ?? null;
  }
  return null;
}

export function expectedOf(r: MatchResult): string {
  if (!r.server) return 'refused';
  if (r.status === 400) return 'status:400';
  const tag = r.location ? tagOf(r.location.node) : tagOf(r.server.node);
  if (r.status === 500) return 'status:500';
  return `tag:${tag}`;
}

export function actualOf(res: RawResponse): string {
  if (res.status === null) return res.error === 'ECONNREFUSED' ? 'refused' : `error:${res.error ?? 'no response'}`;
  if (res.status === 400) return 'status:400';
  if (res.status === 500 && !res.headers.get('x-loc')) return 'status:500';
  const tag = res.headers.get('x-loc');
  return tag ? `tag:${tag}` : `status:${res.status}`;
}

/** The request target with a request id in its query string (it never affects matching). */
export function targetOf(req: GenRequest, rid: number): string {
  const hash = req.target.indexOf('#');
  const sep = req.target.slice(0, hash < 0 ? undefined : hash).includes('?') ? '&' : '?';
  return hash < 0 ? `${req.target}${sep}rid=${rid}` : `${req.target.slice(0, hash)}${sep}rid=${rid}${req.target.slice(hash)}`;
}

/** The raw request as bytes (non-ASCII characters of the target and Host go out as UTF-8). */
export function payloadOf(req: GenRequest, rid: number): Buffer {
  const target = targetOf(req, rid);
  if (req.http10) return Buffer.from(`GET ${target} HTTP/1.0\r\n\r\n`, 'utf8');
  return Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${req.host ?? ''}\r\nConnection: close\r\n\r\n`, 'utf8');
}

export interface RunOutput {
  outcomes: Outcome[];
  nginx: RunningNginx;
  confPath: string;
  matcher: Matcher;
}

/** Starts nginx on `text` inside `prefix`, sends every request, stops nginx; returns the comparisons. */
export async function runConfig(prefix: string, text: string, requests: GenRequest[], firstRid = 1): Promise<RunOutput> {
  mkdirSync(prefix, { recursive: true });
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, text);
  const set = buildConfigSet(confPath, { host: new DiskHost(), catalog: defaultCatalog() });
  const matcher = new Matcher(set);
  const nginx = await startNginx(confPath, prefix, { timeoutMs: 10_000 });
  let outcomes: Outcome[];
  try {
    outcomes = await pool(requests, 24, async (req, i) => {
      const rid = firstRid + i;
      const payload = payloadOf(req, rid);
      const response = await rawRequest(req.addr, req.port, payload, 5000);
      const target = targetOf(req, rid);
      let result: MatchResult | null = null;
      let expected: string;
      try {
        result = matcher.match({ addr: req.addr, port: req.port, host: req.host, target });
        expected = expectedOf(result);
      } catch (e) {
        expected = `crash:${(e as Error).stack}`;
      }
      const actual = actualOf(response);
      // an uncertain answer (something could not be evaluated) must list nginx's choice
      const listed = result !== null && !result.certain && [result.location, ...result.candidates].some((l) => l && `tag:${tagOf(l.node)}` === actual);
      return { req, rid, actual, expected, agree: actual === expected || listed, uncertain: result !== null && !result.certain, result, response };
    });
  } finally {
    await stopNginx();
  }
  return { outcomes, nginx, confPath, matcher };
}
