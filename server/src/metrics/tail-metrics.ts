// What `nginx-doctor tail --metrics` and `nginx-doctor exporter` serve: counters fed by the tail's
// events, in a prom-client registry of their own (no process-wide default registry).
//
//   nginx_doctor_upstream_failures_total{host,server,location,cause,status}
//   nginx_doctor_log_lines_total{host}
//   nginx_doctor_unlinked_lines_total{host}     upstream failures not linked to a location
//   nginx_doctor_source_up{host}                1 while every source of the host is live
//
// Label cardinality is bounded by the config, never by log text: `server` and `location` are the
// name, pattern and file:line of a block the line was linked to (so at most one value per
// location of the config, plus "" for unlinked lines), `cause` is an id of the fixed cause list
// (core/logs/causes.ts), `status` the status that cause gives (or an access log's 5xx), `host`
// one per source. A hard cap (maxSeries) folds failures past it into location="(over limit)".
import { Counter, Gauge, Registry } from 'prom-client';
import type { TailEvent, TailLineEvent } from '../protocol/protocol';

export const DEFAULT_MAX_SERIES = 2000;
export const OVER_LIMIT = '(over limit)';

export interface MetricsOptions {
  /** Each source's name (as on its events) -> its host label. */
  hosts: Map<string, string>;
  /** Failure series at most; further label sets are counted under location="(over limit)". */
  maxSeries?: number;
  /** Told once when the cap is reached. */
  warn?(message: string): void;
}

type FailureLabels = 'host' | 'server' | 'location' | 'cause' | 'status';

/** "shop.example location /api/ /etc/nginx/sites-enabled/shop:12"; "" when the line is not linked. */
export function locationLabel(e: TailLineEvent): string {
  const l = e.location;
  if (!l) return '';
  const server = e.server?.name || '_';
  return `${server} location ${l.modifier ? `${l.modifier} ` : ''}${l.pattern} ${l.file}:${l.line}`;
}

export class TailMetrics {
  readonly registry = new Registry();
  private readonly failures: Counter<FailureLabels>;
  private readonly lines: Counter<'host'>;
  private readonly unlinked: Counter<'host'>;
  private readonly up: Gauge<'host'>;
  private readonly series = new Set<string>();
  private readonly live = new Map<string, boolean>();
  /** Each source's host as its events say. */
  private readonly hostOf = new Map<string, string>();
  private readonly maxSeries: number;
  private warned = false;

  constructor(private readonly opts: MetricsOptions) {
    this.maxSeries = opts.maxSeries ?? DEFAULT_MAX_SERIES;
    const registers = [this.registry];
    this.failures = new Counter({
      name: 'nginx_doctor_upstream_failures_total',
      help: 'Upstream failures (502, 504 ...) in the error log, by the server block and location (file:line) they were linked to and their cause.',
      labelNames: ['host', 'server', 'location', 'cause', 'status'],
      registers,
    });
    this.lines = new Counter({ name: 'nginx_doctor_log_lines_total', help: 'Log lines read (with --backlog or --from-start, the history read first too).', labelNames: ['host'], registers });
    this.unlinked = new Counter({ name: 'nginx_doctor_unlinked_lines_total', help: 'Upstream failures that could not be linked to a location (no config, or no location matched).', labelNames: ['host'], registers });
    this.up = new Gauge({ name: 'nginx_doctor_source_up', help: '1 while every log source of the host is being followed, 0 while one is connecting, reconnecting, waiting or failed.', labelNames: ['host'], registers });
    // every host's series exist from the start, so rate() sees the first line too
    for (const host of new Set(opts.hosts.values())) {
      this.lines.inc({ host }, 0);
      this.unlinked.inc({ host }, 0);
      this.up.set({ host }, 0);
    }
    for (const source of opts.hosts.keys()) this.live.set(source, false);
  }

  observe(e: TailEvent): void {
    if (!this.opts.hosts.has(e.source)) return;
    // the multi-host tail tags every event with its host; before that, the source's host
    const tagged = (e as { host?: unknown }).host;
    const host = typeof tagged === 'string' && tagged ? tagged : this.opts.hosts.get(e.source)!;
    if (e.type === 'state') {
      this.live.set(e.source, e.state === 'live');
      this.hostOf.set(e.source, host);
      let all = true;
      for (const [source, live] of this.live) if ((this.hostOf.get(source) ?? this.opts.hosts.get(source)) === host && !live) all = false;
      this.up.set({ host }, all ? 1 : 0);
      return;
    }
    if (e.type !== 'line') return;
    this.lines.inc({ host });
    if (!e.failure) return;
    if (!e.location) this.unlinked.inc({ host });
    const labels: Record<FailureLabels, string> = {
      host,
      server: e.location ? (e.server?.name ?? '') : '',
      location: locationLabel(e),
      cause: e.cause?.id ?? 'unknown',
      status: e.status === null ? '' : String(e.status),
    };
    const key = JSON.stringify(labels);
    if (!this.series.has(key)) {
      if (this.series.size >= this.maxSeries) {
        labels.server = '';
        labels.location = OVER_LIMIT;
        if (!this.warned) {
          this.warned = true;
          this.opts.warn?.(`metrics: more than ${this.maxSeries} failure series; further locations are counted as location="${OVER_LIMIT}" (raise --metrics-max-series)`);
        }
      } else this.series.add(key);
    }
    this.failures.inc(labels);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
