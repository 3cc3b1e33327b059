// Unit tests (node, mocha): the Node.js version the package declares (engines) is the one the AWS SDKs it bundles
// into the CLI and the local runner declare, and the README and CONTRIBUTING say that version (issue 11: engines
// said 20 while npm ci warned that the SDK wants 22).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../rules/harness';

/** The lowest major version a `>=N` / `>= N.M.P` / `^N` range admits (the forms npm packages use here). */
function minimumMajor(range: string): number {
  const m = /^\s*(?:>=|\^|~)?\s*v?(\d+)/.exec(range);
  assert.ok(m, `cannot read the range ${JSON.stringify(range)}`);
  return Number(m[1]);
}

const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8')) as { engines?: { node?: string } };
/** Bundled into dist/cli.js and dist/localRunner.js: their engines are what a user's Node must satisfy. */
const BUNDLED_SDKS = ['@aws/durable-execution-sdk-js', '@aws/durable-execution-sdk-js-testing'];

describe('the Node.js version the CLI and local runs need', () => {
  const declared = readJson(path.join(REPO_ROOT, 'package.json')).engines?.node;

  it('engines.node admits no Node.js older than the bundled SDKs declare', () => {
    assert.ok(declared, 'package.json has engines.node');
    for (const sdk of BUNDLED_SDKS) {
      const theirs = readJson(path.join(REPO_ROOT, 'node_modules', sdk, 'package.json')).engines?.node;
      assert.ok(theirs, `${sdk} declares engines.node`);
      assert.ok(minimumMajor(declared) >= minimumMajor(theirs), `engines.node ${declared} admits less than ${sdk} needs (${theirs})`);
    }
  });

  it('the README and CONTRIBUTING name that version', () => {
    const major = minimumMajor(declared!);
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const requirements = readme.split(/^## Requirements$/m)[1]?.split(/^## /m)[0] ?? '';
    assert.match(requirements, new RegExp(`CLI needs Node\\.js ${major} or later`), 'the README Requirements say which Node the CLI needs');
    const contributing = fs.readFileSync(path.join(REPO_ROOT, 'CONTRIBUTING.md'), 'utf8');
    assert.match(contributing, new RegExp(`Node\\.js ${major} or later`));
  });
});
