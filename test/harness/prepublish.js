#!/usr/bin/env node
// Runs as `vscode:prepublish` when vsce packages the extension: plain `vsce package` cannot put the tsserver
// plugin package (node_modules/durable-lens-tsplugin) into the .vsix, so it stops with a message pointing at
// `npm run package`, which builds, packages and verifies (test/harness/package.js sets DL_PACKAGING=1).
'use strict';
if (process.env.DL_PACKAGING === '1') process.exit(0);
process.stderr.write(
  'durable-lens: package with `npm run package` (it builds, runs vsce and adds the tsserver plugin package that\n' +
    '`vsce package` alone leaves out; without it the extension would show no diagnostics). The .vsix is written to\n' +
    '.vscode-test/durable-lens.vsix; `npm run package -- --out FILE` writes it elsewhere.\n'
);
process.exit(1);
