// The catalog generated from nginx's sources and docs (see docs/catalog.md), loaded once.
import { Catalog } from './catalog';
import type { CatalogData, ParameterData, VariableData } from './types';
import directives from './directives.json';
import variables from './variables.json';
import parameters from './parameters.json';

let instance: Catalog | undefined;

export function defaultCatalog(): Catalog {
  instance ??= new Catalog(directives as unknown as CatalogData, variables as unknown as VariableData, parameters as unknown as ParameterData);
  return instance;
}
