// Runs in node (e2e tier): the packaged .vsix holds the bundles and the tsserver plugin package, so an installed
// extension can load the plugin (tsserver resolves it by name from the extension's node_modules).
import * as assert from 'assert';
import { packagedVsix } from './harness';

describe('packaging', function () {
  this.timeout(180_000);

  it('the .vsix contains the extension bundle, the plugin bundle and node_modules/durable-lens-tsplugin', async function () {
    const { entries } = await packagedVsix();
    for (const entry of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/tsplugin.js', 'extension/node_modules/durable-lens-tsplugin/index.js', 'extension/node_modules/durable-lens-tsplugin/package.json']) {
      assert.ok(entries.includes(entry), `${entry} missing from the .vsix`);
    }
    assert.ok(!entries.some((e) => /^extension\/(src|test|samples|out)\//.test(e)), 'sources and tests stay out of the .vsix');
    assert.ok(!entries.some((e) => e.startsWith('extension/node_modules/typescript/')), 'typescript is not shipped: tsserver hands the plugin its own');
  });
});
