// Estimates extension activation cost outside VS Code: time to require() the bundled extension
// with a stub `vscode` module (every property is a callable, constructible stub), then the time
// until activate(context) returns (its synchronous part; a returned promise is raced against 2 s,
// since starting the language client needs a real VS Code). Prints JSON.
//   node scripts/bench/activate.cjs dist/extension.js
const Module = require('module');
function stub(name) {
  const fn = function () { return stub(name + '()'); };
  return new Proxy(fn, {
    get(_t, p) {
      if (p === 'then') return undefined;
      if (p === Symbol.toPrimitive) return () => name;
      if (p === Symbol.iterator) return function* () {};
      if (p === 'length') return 0;
      return stub(name + '.' + String(p));
    },
    set() { return true; },
    defineProperty() { return true; },
    construct() { return stub('new ' + name); },
    apply() { return stub(name + '()'); },
  });
}
// A plain object (bundlers copy own properties of CommonJS modules) of stubs for the usual namespaces.
const vscode = {};
for (const k of ['window', 'workspace', 'commands', 'languages', 'env', 'extensions', 'Uri', 'EventEmitter', 'Disposable', 'l10n',
  'StatusBarAlignment', 'LanguageStatusSeverity', 'ThemeColor', 'ThemeIcon', 'Range', 'Position', 'Location', 'Diagnostic',
  'DiagnosticSeverity', 'CodeAction', 'CodeActionKind', 'WorkspaceEdit', 'TextEdit', 'MarkdownString', 'CancellationTokenSource',
  'RelativePattern', 'FileSystemWatcher', 'ConfigurationTarget', 'version', 'ExtensionMode', 'ProgressLocation', 'ViewColumn'])
  vscode[k] = stub('vscode.' + k);
vscode.version = '1.91.0';
// Any other name (CompletionItem, SemanticTokensBuilder ...) is a constructible stub too.
const vscodeProxy = new Proxy(vscode, { get: (t, p) => (p in t ? t[p] : typeof p === 'string' ? (t[p] = stub('vscode.' + p)) : undefined) });
const origLoad = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscodeProxy;
  return origLoad.call(this, request, ...rest);
};
const t0 = process.hrtime.bigint();
const ext = require(require('path').resolve(process.argv[2]));
const requireMs = Number(process.hrtime.bigint() - t0) / 1e6;
let activateMs = null;
let activateError = null;
(async () => {
  const context = { subscriptions: [], extensionPath: process.cwd(), extensionUri: stub('uri'), asAbsolutePath: (p) => p,
    globalState: stub('globalState'), workspaceState: stub('workspaceState'), environmentVariableCollection: stub('env'), extensionMode: 3, logUri: stub('logUri'), storageUri: undefined, globalStorageUri: stub('gs') };
  const t1 = process.hrtime.bigint();
  try {
    const r = ext.activate(context);
    activateMs = Number(process.hrtime.bigint() - t1) / 1e6;
    if (r && typeof r.then === 'function') await Promise.race([r, new Promise((res) => setTimeout(res, 2000))]);
  } catch (e) {
    activateError = String(e && e.message || e).slice(0, 200);
  }
  process.stdout.write(JSON.stringify({ requireMs, activateMs, activateError }));
  process.exit(0);
})();
