// Every doctor check, in the order of the report: the one list run.ts runs. Adding a check: its
// file here (a `check({ id, title, needs, run })`), a line below, a row in docs/doctor.md and a
// test in test/unit/doctor/<id>.test.ts; test/unit/doctor-checks.test.ts fails until all exist.
import type { Check } from '../check';
import { connection } from './connection';
import { nginxInstalled, nginxRunning } from './nginx-process';
import { configTest } from './config-test';
import { deployedConfig } from './deployed-config';
import { backendReachable } from './backend-reachable';
import { backendProtocol } from './backend-protocol';
import { unixSocket } from './unix-socket';
import { backendService } from './backend-service';
import { backendListening } from './backend-listening';
import { backendJournal } from './backend-journal';
import { backendPorts, nginxPorts } from './listening-ports';
import { errorLog } from './error-log';
import { locationSettings } from './location-settings';
import { requestThroughNginx } from './request-through-nginx';
import { apparmor, selinux } from './mac';

export const CHECKS: readonly Check[] = [
  connection,
  nginxInstalled,
  nginxRunning,
  configTest,
  deployedConfig,
  // per backend, in the config's order: a TCP backend's row or a unix socket's
  backendReachable,
  backendProtocol,
  unixSocket,
  // one hop further for a failed backend mapped to its machine (nginxDoctor.backends)
  backendService,
  backendListening,
  backendJournal,
  backendPorts,
  nginxPorts,
  errorLog,
  locationSettings,
  requestThroughNginx,
  selinux,
  apparmor,
];
