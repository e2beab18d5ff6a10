// What phase 2 found (probe results), the row constructor, and how checks turn config nodes and the
// server's paths into links. The facts each check reads are named in check.ts.
import { dirname, posix, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { lineOf, type ConfigNode } from '../core/index';
import type { DoctorCheck, DoctorStatus } from '../protocol/protocol';
import type { ConfigFacts } from './check';
import { workspacePathOf } from '../host/deployed-files';

export interface StatResult {
  rc: number;
  /** `ls -lndL` output, or its error message. */
  out: string;
}

export interface LogRead {
  path: string;
  state: 'ok' | 'missing' | 'denied' | 'notfile' | 'unknown';
  text: string;
}

export interface UserInfo {
  name: string;
  uid: number;
  gids: number[];
}

export interface ProbeResults {
  /** "host|port" -> exit status and message of the connect. */
  tcp: Map<string, { rc: number; message: string }>;
  /** "host|port" -> the first bytes the port answered to a TLS record header (hex), where the config states its protocol. */
  bytes: Map<string, { rc: number; hex: string }>;
  stat: Map<string, StatResult>;
  logs: LogRead[];
  /** The worker user (null when unknown). */
  worker: UserInfo | null;
  /** Every worker user looked up (by the uid or name asked), when several instances run. */
  workers: Map<string, UserInfo>;
}

export function row(id: string, title: string, status: DoctorStatus, found: string, expected: string, advice: string, location: DoctorCheck['location'] = null): DoctorCheck {
  return { id, title, status, found, expected, advice, location };
}

/** A config node as a link: its file (a local copy when the config came from the host and was saved). */
export function placeOf(ctx: ConfigFacts, n: ConfigNode): { file: string; line: number } {
  const p = n.file.source.path;
  return { file: ctx.configOrigin === 'deployed' ? (ctx.savedCopies.get(p) ?? p) : p, line: lineOf(n) };
}

/** The workspace file that stands for a file on the host (host/deployed-files.ts). */
export { workspacePathOf };

/** A path on the host (from nginx -t messages) as a link: the workspace's file of the same relative path when it exists. */
export function placeOfServerPath(ctx: ConfigFacts, path: string, line: number): { file: string; line: number } {
  const local = workspacePathOf(ctx.localRoot, ctx.serverRoot, path);
  if (local && existsSync(local)) return { file: local, line };
  return { file: ctx.savedCopies.get(path) ?? path, line };
}

/** The workspace-relative name of a config file, for messages. */
export function shortName(ctx: ConfigFacts, path: string): string {
  const base = ctx.configOrigin === 'workspace' && ctx.localRoot ? dirname(ctx.localRoot) : ctx.serverRoot ? posix.dirname(ctx.serverRoot) : null;
  if (!base) return path;
  const r = relative(base, path);
  return r && !r.startsWith('..') ? r : path;
}
