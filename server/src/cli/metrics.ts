// `--metrics HOST:PORT` of `tail` and `exporter`: counters of the tail's events served for
// Prometheus (server/src/metrics). Started before the sources so that a busy port is a usage
// error at once, not after the first connection.
import type { TailEvent } from '../protocol/protocol';
import type { SourceSpec } from '../tail/sources';
import { AddressError, formatAddress, isLoopback, parseListenAddress } from '../metrics/address';
import { hostLabelOf } from '../metrics/host-label';
import { DEFAULT_MAX_SERIES, TailMetrics } from '../metrics/tail-metrics';
import { serveMetrics } from '../metrics/serve';
import { one, UsageError, type ParsedArgs } from './args';

export interface RunningMetrics {
  observe(e: TailEvent): void;
  close(): Promise<void>;
}

/** The metrics endpoint of a tail, or null without --metrics (and without a default address). */
export async function startMetrics(args: ParsedArgs, specs: SourceSpec[], err: (t: string) => void, defaultAddress?: string): Promise<RunningMetrics | null> {
  const text = one(args, 'metrics') ?? defaultAddress;
  const capText = one(args, 'metrics-max-series');
  if (text === undefined) {
    if (capText !== undefined) throw new UsageError('--metrics-max-series needs --metrics');
    return null;
  }
  let at;
  try {
    at = parseListenAddress(text);
  } catch (e) {
    if (e instanceof AddressError) throw new UsageError(e.message);
    throw e;
  }
  const maxSeries = capText === undefined ? DEFAULT_MAX_SERIES : Number(capText);
  if (!/^\d+$/.test(capText ?? '0') || !(maxSeries >= 1 && maxSeries <= 1_000_000)) throw new UsageError('--metrics-max-series must be a whole number from 1 to 1000000');
  const metrics = new TailMetrics({ hosts: new Map(specs.map((s) => [s.name, hostLabelOf(s)])), maxSeries, warn: (m) => err(`nginx-doctor: ${m}\n`) });
  let server;
  try {
    server = await serveMetrics(at, metrics);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const where = formatAddress(server.address);
  err(`nginx-doctor: metrics at http://${where}/metrics${isLoopback(at.host) ? '' : ' (not loopback: anyone who reaches this address can read which locations fail)'}\n`);
  return { observe: (e) => metrics.observe(e), close: () => server.close() };
}
