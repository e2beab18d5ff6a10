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
  source?: string;
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
