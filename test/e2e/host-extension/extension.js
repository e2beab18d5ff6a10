// Test-only extension, installed next to nginx-doctor by the e2e harness (never shipped). When
// NGINX_DOCTOR_HOST_SUITE=/path/results.json is set, it runs the compiled in-host Mocha suite from
// NGINX_DOCTOR_HOST_SUITE_DIR (out/test/e2e/host-suite in the repository) once the workbench has
// started, and the suite writes its results to that file for the harness to read.
'use strict';
const { join } = require('node:path');
const { writeFileSync } = require('node:fs');

exports.activate = function activate() {
  const results = process.env.NGINX_DOCTOR_HOST_SUITE;
  const dir = process.env.NGINX_DOCTOR_HOST_SUITE_DIR;
  if (!results) return;
  // Not awaited: activation returns at once, the suite runs in the background.
  void (async () => {
    try {
      if (!dir) throw new Error('NGINX_DOCTOR_HOST_SUITE_DIR is not set');
      await require(join(dir, 'index.js')).runToFile(results);
    } catch (e) {
      writeFileSync(results, JSON.stringify({ passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [], error: String(e && e.stack || e) }));
    }
  })();
};

exports.deactivate = function deactivate() {};
