// A fresh view of a document for editing features: its current text parsed, and the include
// graphs (config sets) of the analysis units it belongs to, rebuilt without running the rules
// when the last analysis saw an older text of it (edits are analysed 200 ms later).
import { dirname } from 'node:path';
import {
  buildConfigSet, defaultCatalog, fileContext, Model, parseVersion,
  type BlockKind, type Catalog, type ConfigSet, type ParsedFile, type Version,
} from '../../core/index';
import type { Unit, Workspace } from '../workspace';
import { uriToPath } from '../convert';

export interface UnitView {
  unit: Unit;
  set: ConfigSet;
  model: Model;
  confDir: string;
}

export interface FileView {
  path: string;
  text: string;
  file: ParsedFile;
  units: UnitView[];
  /** Context of the file's top-level directives (from its first unit). */
  top: BlockKind;
  confDir: string;
  version: Version | null;
  catalog: Catalog;
}

const fresh = new WeakMap<Unit, { key: string; view: UnitView }>();

export function unitView(ws: Workspace, unit: Unit, path?: string, text?: string): UnitView {
  const opts = ws.analyzeOptions(unit.path, unit.kind);
  const confDir = opts.confDir ?? dirname(unit.path);
  const a = unit.analysis;
  const current = path === undefined || text === undefined || a?.set.files.get(path)?.source.text === text;
  if (a && current) return { unit, set: a.set, model: a.model, confDir };
  const key = `${path}\0${text}\0${ws.nginxVersion}`;
  const memo = fresh.get(unit);
  if (memo && memo.key === key) return memo.view;
  const set = buildConfigSet(unit.path, {
    host: opts.host,
    catalog: opts.catalog,
    cache: ws.cache,
    ...(opts.confDir ? { confDir: opts.confDir } : {}),
    ...(opts.startContext ? { startContext: opts.startContext } : {}),
    ...(opts.rootText !== undefined ? { rootText: opts.rootText } : {}),
  });
  const view = { unit, set, model: new Model(set), confDir };
  fresh.set(unit, { key, view });
  return view;
}

export function fileView(ws: Workspace, uri: string): FileView | null {
  const path = uriToPath(uri);
  if (ws.huge.has(path)) return null; // too big to analyse: syntax diagnostics only (huge.ts)
  const text = ws.openText(path) ?? ws.host.readFile(path);
  if (text === undefined) return null;
  const file = ws.cache.get(path, text);
  const units = ws.unitsFor(path).map((u) => unitView(ws, u, path, text));
  const first = units[0];
  return {
    path,
    text,
    file,
    units,
    top: first ? fileContext(first.set, path) : 'main',
    confDir: first?.confDir ?? dirname(path),
    version: parseVersion(ws.nginxVersion),
    catalog: defaultCatalog(),
  };
}

/** The parsed file for a path seen by any of the views (the current text for the viewed file). */
export function fileIn(view: FileView, path: string): ParsedFile | undefined {
  if (path === view.path) return view.file;
  for (const u of view.units) {
    const f = u.set.files.get(path);
    if (f) return f;
  }
  return undefined;
}
