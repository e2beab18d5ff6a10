// The user's map from backends to the machines that run them (`nginxDoctor.backends`, CLI
// `--backends JSON`): a key is an upstream address as the config writes it ("10.0.0.5:8080",
// "[::1]:9000", "unix:/run/php/php-fpm.sock") or an upstream group's name ("app_pool"); the value
// says where the backend runs ({ "host": SSH destination, absent: the nginx host itself }) and
// under which systemd unit. Checked here, before anything is started: destinations as for every
// SSH target (../remote/check-input.ts), unit names as systemd spells them.
import type { BackendHostSetting } from '../protocol/protocol';
import { SourceError, checkDestination, printable } from '../remote/check-input';
import { addrText } from './checks/backend-reachable';
import type { Backend } from './targets';

export interface BackendMapping {
  key: string;
  /** SSH destination; null: the host the doctor runs on (this machine or --ssh). */
  host: string | null;
  unit: string;
  sudo: boolean;
}

/** A systemd unit name: letters, digits and : _ . @ - (systemd's own escapes use "\"), not starting with "-". */
const UNIT = /^[A-Za-z0-9:_.@][A-Za-z0-9:_.@-]{0,255}$/;

export function checkUnit(unit: string): string {
  if (!UNIT.test(unit)) throw new SourceError(`"${printable(unit)}" is not a systemd unit name (letters, digits and : _ . @ -, e.g. "gunicorn.service")`);
  return unit;
}

/** The setting's value (or --backends JSON, parsed) as mappings; throws SourceError with the reason. */
export function parseBackendMap(value: unknown): BackendMapping[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) throw new SourceError('backends must be an object: { "ADDRESS or UPSTREAM": { "host": "user@host", "unit": "app.service" } }');
  const out: BackendMapping[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!key.trim() || key.length > 300 || /[\0-\x1f]/.test(key)) throw new SourceError(`backends: "${printable(key)}" is not an address or upstream name`);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SourceError(`backends["${printable(key)}"] must be an object with "unit" (and "host")`);
    const s = v as BackendHostSetting;
    if (typeof s.unit !== 'string') throw new SourceError(`backends["${printable(key)}"] needs "unit": the systemd unit that runs it`);
    if (s.host !== undefined && typeof s.host !== 'string') throw new SourceError(`backends["${printable(key)}"]: "host" must be an SSH destination`);
    if (s.sudo !== undefined && typeof s.sudo !== 'boolean') throw new SourceError(`backends["${printable(key)}"]: "sudo" must be true or false`);
    out.push({ key: key.trim(), host: s.host ? checkDestination(s.host) : null, unit: checkUnit(s.unit), sudo: s.sudo === true });
  }
  return out;
}

/** The mapping of a backend: by its address as written (host:port, unix:path), else by its upstream group. */
export function mappingOf(b: Backend, maps: readonly BackendMapping[]): BackendMapping | null {
  const addr = addrText(b).toLowerCase();
  const byAddr = maps.find((m) => m.key.toLowerCase() === addr);
  if (byAddr) return byAddr;
  return (b.upstream && maps.find((m) => m.key.toLowerCase() === b.upstream)) || null;
}
