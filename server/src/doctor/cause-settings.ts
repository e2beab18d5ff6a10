// Which effective settings matter for a failure cause: timeouts for timeouts, buffers for a header
// too big, keepalive and the HTTP version for resets and early closes, TLS for TLS failures, the
// retry settings for backends that refuse or are down. The groups are those of `nginx-doctor
// settings` (core/upstream/settings-report.ts), so the doctor shows the same rows and sources.
import { causeById, type CauseId, type SettingGroup } from '../core/index';

const BY_CAUSE: Partial<Record<CauseId, readonly SettingGroup[]>> = {
  'upstream-connect-timeout': ['timeouts', 'retries'],
  'upstream-kernel-connect-timeout': ['timeouts', 'retries'],
  'upstream-tls-timeout': ['timeouts', 'ssl'],
  'upstream-send-timeout': ['timeouts', 'buffers'],
  'upstream-read-timeout': ['timeouts', 'retries'],
  'upgraded-connection-timeout': ['timeouts', 'protocol'],
  'upstream-header-too-big': ['buffers'],
  'upstream-body-truncated': ['timeouts', 'buffers', 'keepalive'],
  'upstream-prematurely-closed': ['keepalive', 'protocol'],
  'upstream-reset': ['keepalive', 'protocol'],
  'upstream-send-failed': ['keepalive', 'protocol', 'buffers'],
  'upstream-framing-conflict': ['keepalive', 'protocol'],
  'upstream-invalid-header': ['protocol', 'buffers'],
  'upstream-not-http': ['protocol'],
  'fastcgi-prematurely-closed': ['keepalive', 'buffers'],
  'fastcgi-protocol-mismatch': ['protocol'],
  'grpc-protocol-error': ['protocol', 'ssl'],
  'upstream-tls-to-plain-http': ['ssl'],
  'upstream-tls-handshake-failed': ['ssl'],
  'upstream-tls-verify-failed': ['ssl'],
  'upstream-refused': ['retries'],
  'upstream-socket-missing': ['retries'],
  'upstream-permission-denied': ['retries'],
  'upstream-unreachable': ['retries', 'timeouts'],
  'upstream-address-exhausted': ['keepalive'],
  'upstream-backlog-full': ['retries'],
  'no-live-upstreams': ['retries'],
  'upstream-server-disabled': ['retries'],
};

/** The setting groups shown for a cause (timeouts when the catalogue says nothing better). */
export function groupsFor(id: CauseId): readonly SettingGroup[] {
  return BY_CAUSE[id] ?? ['timeouts'];
}

/** Settings named by the cause record itself (proxy_ form), e.g. resolver for name failures. */
export function namedSettings(id: CauseId): string[] {
  const c = causeById(id);
  return [...new Set([...(c.settings ?? []), ...(c.limit ? [c.limit] : [])])];
}
