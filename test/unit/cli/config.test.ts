// Unit tier (node): the project config file (durable-lens.json / package.json "durableLens"), its
// validation, the layering shared by the CLI and the plugin, colour detection and typescript resolution.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { effectiveSeverities, effectiveSeverity, loadProjectConfig, mergeLensConfigs, parseLensConfig } from '../../../src/core/config/projectConfig';
import { colorEnabled } from '../../../src/cli/io';
import { loadTypeScript } from '../../../src/cli/loadTypeScript';
import { renderText } from '../../../src/cli/formats';
import { tempProjects } from './cliHarness';

const nodeHost = { fileExists: (f: string) => fs.existsSync(f), readFile: (f: string) => fs.readFileSync(f, 'utf8') };

// Made at the top level: the root suite removes them after the run.
const tempDir = tempProjects('dl-config-');

describe('project configuration', () => {
  it('parses rules and enabled, reporting (and dropping) unknown rules and bad severities', () => {
    const { config, problems } = parseLensConfig({ name: 'durable-lens-tsplugin', enabled: true, rules: { 'io-outside-step': 'warning', 'nope': 'off', 'env-read-outside-step': 'loud' } });
    assert.deepStrictEqual(config, { enabled: true, rules: { 'io-outside-step': 'warning' } });
    assert.strictEqual(problems.length, 2);
    assert.match(problems[0].message, /unknown rule "nope"/);
    assert.strictEqual(parseLensConfig('yes').problems.length, 1);
    assert.strictEqual(parseLensConfig({ enabled: 'no' }).problems.length, 1);
  });

  it('finds durable-lens.json in a parent folder; it wins over package.json in the same folder', () => {
    const dir = tempDir({
      'durable-lens.json': '{"rules": {"io-outside-step": "off"}}',
      'package.json': '{"name": "x", "durableLens": {"rules": {"io-outside-step": "info"}}}',
      'pkg/src/a.ts': '',
    });
    try {
      const loaded = loadProjectConfig(path.join(dir, 'pkg', 'src'), nodeHost);
      assert.strictEqual(loaded.file, path.join(dir, 'durable-lens.json'));
      assert.deepStrictEqual(loaded.config, { rules: { 'io-outside-step': 'off' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the "durableLens" key of package.json; a package.json without it does not stop the search', () => {
    const dir = tempDir({
      'package.json': '{"name": "root", "durableLens": {"enabled": false}}',
      'pkg/package.json': '{"name": "inner"}',
    });
    try {
      const loaded = loadProjectConfig(path.join(dir, 'pkg'), nodeHost);
      assert.strictEqual(loaded.file, path.join(dir, 'package.json'));
      assert.deepStrictEqual(loaded.config, { enabled: false });
      assert.strictEqual(effectiveSeverity(loaded.config, 'nondeterministic-call'), 'off');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('walks up Windows paths too, and stops at the root', () => {
    const files: Record<string, string> = { 'C:\\repo\\durable-lens.json': '{"rules": {"io-outside-step": "warning"}}' };
    const seen: string[] = [];
    const host = { fileExists: (f: string) => (seen.push(f), f in files), readFile: (f: string) => files[f] };
    const loaded = loadProjectConfig('C:\\repo\\pkg\\src', host);
    assert.strictEqual(loaded.file, 'C:\\repo\\durable-lens.json');
    assert.deepStrictEqual(loaded.config, { rules: { 'io-outside-step': 'warning' } });
    const none = loadProjectConfig('/a/b', { fileExists: () => false, readFile: () => undefined });
    assert.deepStrictEqual(none, { config: {}, file: undefined, problems: [] });
  });

  it('reports invalid JSON', () => {
    const dir = tempDir({ 'durable-lens.json': '{ rules: ' });
    try {
      const loaded = loadProjectConfig(dir, nodeHost);
      assert.strictEqual(loaded.problems[0].reason, 'invalid-json');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('layers: later wins per rule; defaults from the catalogue', () => {
    const merged = mergeLensConfigs({ rules: { 'io-outside-step': 'off', 'global-state-mutation': 'error' } }, undefined, { rules: { 'io-outside-step': 'info' } });
    const sev = effectiveSeverities(merged);
    assert.strictEqual(sev['io-outside-step'], 'info');
    assert.strictEqual(sev['global-state-mutation'], 'error');
    assert.strictEqual(sev['env-read-outside-step'], 'warning');
    assert.strictEqual(sev['replayed-side-effect-log'], 'info');
    assert.strictEqual(effectiveSeverities(mergeLensConfigs(merged, { enabled: false }))['global-state-mutation'], 'off');
  });
});

describe('CLI surroundings', () => {
  it('colours only a terminal, and never with NO_COLOR set', () => {
    assert.strictEqual(colorEnabled(true, {}), true);
    assert.strictEqual(colorEnabled(false, {}), false);
    assert.strictEqual(colorEnabled(undefined, {}), false);
    assert.strictEqual(colorEnabled(true, { NO_COLOR: '1' }), false);
    assert.strictEqual(colorEnabled(true, { NO_COLOR: '' }), true);
    const d = { file: 'a.ts', line: 1, column: 2, endLine: 1, endColumn: 3, rule: 'io-outside-step' as const, severity: 'error' as const, message: 'm\x1b[2J' };
    assert.match(renderText([d], 1, true), /\x1b\[31merror/);
    assert.ok(!renderText([d], 1, false).includes('\x1b'), 'messages cannot smuggle escape sequences either');
  });

  it("resolves the project's own typescript first, falling back to ours when it has no JS API", () => {
    const real = require.resolve('typescript');
    const usable = tempDir({ 'node_modules/typescript/package.json': '{"name":"typescript","main":"index.js"}', 'node_modules/typescript/index.js': `module.exports = Object.assign({}, require(${JSON.stringify(real)}), { __projectCopy: true });` });
    const native = tempDir({ 'node_modules/typescript/package.json': '{"name":"typescript","main":"index.js"}', 'node_modules/typescript/index.js': 'module.exports = { version: "7.0.0" };' });
    try {
      const a = loadTypeScript(usable);
      assert.strictEqual(a.from, 'project');
      assert.strictEqual((a.ts as unknown as { __projectCopy?: boolean }).__projectCopy, true);
      const b = loadTypeScript(native);
      assert.strictEqual(b.from, 'bundled');
      assert.strictEqual(typeof b.ts.createProgram, 'function');
    } finally {
      fs.rmSync(usable, { recursive: true, force: true });
      fs.rmSync(native, { recursive: true, force: true });
    }
  });
});
