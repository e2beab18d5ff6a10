// A second real client: Debian's Neovim (0.7+) run headless with a small Lua init that starts
// `node dist/cli.js lsp --stdio` through vim.lsp.start_client, opens a config and waits for our
// diagnostics, then asks for completion, hover and formatting. The init writes what it received
// to a JSON file; this test reads it. Bounded: the init gives up after 30 s, the process is
// killed after 60 s. CI installs neovim (.ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLI } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

function nvimBinary(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'nvim'))) return join(dir, 'nvim');
  }
  return existsSync('/usr/bin/nvim') ? '/usr/bin/nvim' : null;
}

const CONF = `events {}
http {
    gzip yes;
    server { listen 80; }
}
`;

const INIT = `
local root, file, out = vim.env.ND_ROOT, vim.env.ND_FILE, vim.env.ND_OUT
local result = { diagnostics = {}, completion = {}, log = {} }
local done = false
local function finish(reason)
  if done then return end
  done = true
  result.reason = reason
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end
vim.defer_fn(function() finish('timeout') end, 30000)

local caps = vim.lsp.protocol.make_client_capabilities()
result.snippetSupport = caps.textDocument.completion.completionItem.snippetSupport or false
local asked = false
local id = vim.lsp.start_client({
  name = 'nginx-doctor',
  cmd = { vim.env.ND_NODE, vim.env.ND_CLI, 'lsp', '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'root' } },
  capabilities = caps,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(_, params)
      if params.uri ~= vim.uri_from_fname(file) or #params.diagnostics == 0 or asked then return end
      asked = true
      for _, d in ipairs(params.diagnostics) do
        table.insert(result.diagnostics, { code = d.code, message = d.message, line = d.range.start.line })
      end
      local buf = vim.fn.bufnr(file)
      local doc = { uri = vim.uri_from_bufnr(buf) }
      vim.lsp.buf_request(buf, 'textDocument/completion', { textDocument = doc, position = { line = 2, character = 4 } }, function(err, res)
        if err then table.insert(result.log, 'completion: ' .. vim.inspect(err)) end
        local items = res and (res.items or res) or {}
        for _, it in ipairs(items) do
          table.insert(result.completion, { label = it.label, newText = it.textEdit and it.textEdit.newText or vim.NIL })
        end
        vim.lsp.buf_request(buf, 'textDocument/hover', { textDocument = doc, position = { line = 2, character = 5 } }, function(err2, h)
          if err2 then table.insert(result.log, 'hover: ' .. vim.inspect(err2)) end
          result.hover = h and h.contents and h.contents.value or vim.NIL
          vim.lsp.buf_request(buf, 'textDocument/formatting', { textDocument = doc, options = { tabSize = 2, insertSpaces = true } }, function(err3, edits)
            if err3 then table.insert(result.log, 'formatting: ' .. vim.inspect(err3)) end
            vim.lsp.util.apply_text_edits(edits or {}, buf, 'utf-16')
            result.formatted = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\\n')
            finish('done')
          end)
        end)
      end)
    end,
  },
})
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.lsp.buf_attach_client(0, id)
`;

test('Neovim (headless) gets our diagnostics, completion, hover and formatting', (t) => {
  const nvim = nvimBinary();
  if (!nvim) throw new Error('nvim not found: this test needs Neovim 0.7+ (Debian: apt-get install neovim; CI installs it)');
  assert.ok(existsSync(CLI), 'dist/cli.js missing: run "npm run build"');
  const tree = tempTree({ 'nginx.conf': CONF, 'init.lua': INIT });
  try {
    const started = Date.now();
    const r = spawnSync(nvim, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${tree.path('init.lua')}`], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        HOME: tree.dir,
        XDG_CONFIG_HOME: join(tree.dir, '.config'),
        XDG_DATA_HOME: join(tree.dir, '.local/share'),
        XDG_STATE_HOME: join(tree.dir, '.local/state'),
        XDG_CACHE_HOME: join(tree.dir, '.cache'),
        ND_ROOT: tree.dir,
        ND_FILE: tree.path('nginx.conf'),
        ND_OUT: tree.path('result.json'),
        ND_NODE: process.execPath,
        ND_CLI: CLI,
      },
    });
    const ms = Date.now() - started;
    assert.ok(existsSync(tree.path('result.json')), `nvim wrote no result (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    const res = JSON.parse(readFileSync(tree.path('result.json'), 'utf8')) as {
      reason: string; diagnostics: { code: string; message: string; line: number }[]; completion: { label: string; newText: string | null }[];
      hover: string | null; formatted: string; snippetSupport: boolean; log: string[];
    };
    t.diagnostic(`nvim ${spawnSync(nvim, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}: ${res.diagnostics.length} diagnostics, ${res.completion.length} completion items, in ${ms} ms`);
    assert.equal(res.reason, 'done', `nvim stopped early (${ms} ms): ${JSON.stringify(res)}`);
    assert.deepEqual(res.log, []);
    const flag = res.diagnostics.find((d) => d.code === 'invalid-flag-value');
    assert.ok(flag, JSON.stringify(res.diagnostics));
    assert.equal(flag.line, 2);
    assert.equal(flag.message, 'invalid value "yes" in "gzip" directive, it must be "on" or "off"');
    const labels = res.completion.map((c) => c.label);
    assert.ok(labels.includes('gzip') && labels.includes('server') && labels.includes('upstream'), labels.slice(0, 20).join(' '));
    assert.ok(!labels.includes('listen'), 'listen is not allowed in http');
    // Neovim 0.7 without a snippet engine does not announce snippet support: plain names.
    if (!res.snippetSupport) assert.equal(res.completion.find((c) => c.label === 'gzip')!.newText, 'gzip');
    assert.match(res.hover ?? '', /\*\*gzip\*\*/);
    assert.equal(res.formatted, 'events {}\nhttp {\n  gzip yes;\n  server { listen 80; }\n}');
  } finally {
    tree.remove();
  }
});
