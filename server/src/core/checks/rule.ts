// The contract every rule implements: metadata plus a check that reports through the context.
import type { Catalog } from '../catalog/catalog';
import type { ConfigNode, ConfigSet } from '../workspace/config-set';
import type { Fix, Related, Severity } from '../diagnostic';
import type { Version } from '../util/version';
import type { Model } from '../model/model';
import type { FileHost } from '../host';

export interface ReportOptions {
  related?: Related[];
  /**
   * Quick fixes, or a function that builds them: it runs only when someone reads the
   * diagnostic's `fixes` (code actions, fix all), never for `check`, which prints no fixes.
   */
  fixes?: Fix[] | (() => Fix[]);
  /** Where to point, when not at the node's head. */
  start?: number;
  end?: number;
  severity?: Severity;
}

/** Options some rules read; set from editor settings or CLI flags. */
export interface RuleOptions {
  /** proxy_read_timeout a WebSocket fix sets, e.g. "3600s". */
  websocketReadTimeout?: string;
  /**
   * Check that unix: sockets exist: only for the config this machine's nginx runs (under /etc/nginx
   * or nginx -V's conf dir), in a trusted workspace or the CLI; the doctor checks live hosts.
   */
  checkLocalSockets?: boolean;
  /** Host names that never move (static-hostname-upstream is silent for them): "api.example.com", "*.example.com". */
  stableHostnames?: readonly string[];
}

export interface RuleContext {
  readonly options: RuleOptions;
  readonly host: FileHost;
  readonly set: ConfigSet;
  readonly model: Model;
  readonly catalog: Catalog;
  /** The nginx version rules should assume, null when unknown (then every version is accepted). */
  readonly version: Version | null;
  report(node: ConfigNode, message: string, opts?: ReportOptions): void;
  reportAt(file: string, start: number, end: number, message: string, opts?: ReportOptions): void;
}

/**
 * Which nginx versions a rule speaks about. Absent: it reports the same on every version.
 * docs/rules/README.md shows it; the rules tier proves `before` on the rule's fixtures.
 */
export interface RuleVersions {
  /** The rule reports nothing from this version on (nginx changed the default it is about). */
  readonly before?: string;
  /** How the configured version changes what the rule reports, in a few words. */
  readonly note?: string;
}

/**
 * A rule: its metadata and its check. The metadata is the one source of docs/rules/README.md and
 * of the `nginxDoctor.rules` settings schema in package.json (scripts/gen-rule-docs.mjs writes
 * both; the rules tier fails when they drift or when a field disagrees with the fixtures).
 */
export interface Rule {
  /** Kebab-case id: the diagnostic code, the settings key and the docs page name. */
  readonly id: string;
  /** The default severity of its findings. */
  readonly severity: Severity;
  /** When some findings take another severity: which, and when (e.g. "error in addresses"). */
  readonly severityNote?: string;
  /** Off unless a setting (or --rule) gives it a severity, or the caller lists it in `rules`. */
  readonly defaultOff?: boolean;
  /** One line saying what the rule finds. */
  readonly summary: string;
  /**
   * Quick fixes: 'none'; 'editor' when the lightbulb offers them but they are a choice Fix all and
   * `nginx-doctor fix` leave to you; 'all' when those apply them too (the preferred fix).
   */
  readonly fix: 'none' | 'editor' | 'all';
  readonly versions?: RuleVersions;
  check(ctx: RuleContext): void;
}
