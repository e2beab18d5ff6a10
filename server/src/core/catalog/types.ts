// Shapes of the generated directive catalog (see docs/catalog.md and scripts/gen-catalog.mjs).

export type ContextKind =
  | 'main' | 'events' | 'http' | 'server' | 'location' | 'upstream' | 'if_server' | 'if_location'
  | 'limit_except' | 'stream' | 'stream_server' | 'stream_upstream' | 'mail' | 'mail_server' | 'any';

export type Family = 'core' | 'event' | 'http' | 'stream' | 'mail';

export interface DirectiveRecord {
  name: string;
  module: string;
  family: Family | string;
  source: string;
  contexts: string[];
  /** "|"-joined counts: "0", "1", "1|2", "1+", "2+", "any", "flag". */
  args: string;
  block: boolean;
  bodyKind?: 'directives' | 'data' | 'raw';
  since?: string;
  until?: string;
  valueType?: string;
  values?: string[];
  syntax?: string[];
  default?: string | null;
  /**
   * Releases whose default differs from `default` (read from nginx's sources at each release):
   * `default` applies to every catalogued version outside these ranges.
   */
  defaultHistory?: { since?: string; until?: string; default: string | null }[];
  docs?: string;
  appearedIn?: string;
  commercial?: boolean;
}

export interface VariableRecord {
  name: string;
  family: string;
  module?: string;
  since?: string;
  until?: string;
  prefix?: boolean;
  /** set/map/geo may assign it (NGX_HTTP_VAR_CHANGEABLE); others are "the duplicate ... variable". */
  changeable?: boolean;
  source?: string;
}

/** A parameter a directive's handler accepts by name ("backup", "weight="), per version. */
export interface ParameterRecord {
  directive: string;
  module: string;
  /** The word, or its prefix up to and including "=". */
  name: string;
  since?: string;
  until?: string;
  /** Only in NGINX Plus (documented, never in an open source release). */
  plus?: boolean;
  /** NGINX Plus had it (before open source did, where `since` is set). */
  commercial?: boolean;
}

export interface ParameterData {
  provenance?: unknown;
  parameters: ParameterRecord[];
}

export interface CatalogData {
  provenance?: unknown;
  versions: string[];
  directives: DirectiveRecord[];
}

export interface VariableData {
  provenance?: unknown;
  variables: VariableRecord[];
}
