// Unit tests (node, mocha): the Marketplace description and categories promise only what the extension contributes
// (issue 11): each category and each capability the description names is backed by what package.json contributes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../rules/harness';

interface Manifest {
  description: string;
  categories: string[];
  contributes: {
    commands: { command: string }[];
    typescriptServerPlugins?: { name: string }[];
    views?: Record<string, { id: string }[]>;
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const has = (...ids: string[]) => ids.every((id) => commands.has(id));
const views = Object.values(manifest.contributes.views ?? {}).flat().map((v) => v.id);

/** What backs each claim: a category or a phrase of the description. */
const BACKING: Record<string, () => boolean> = {
  Linters: () => (manifest.contributes.typescriptServerPlugins ?? []).some((p) => p.name === 'durable-lens-tsplugin') && has('durableLens.openRuleDocumentation'),
  Visualization: () => has('durableLens.showWorkflow', 'durableLens.exportWorkflow'),
  Testing: () => has('durableLens.runHandlerLocally', 'durableLens.generateTest'),
};
const PHRASES: ReadonlyArray<[RegExp, () => boolean]> = [
  [/diagnostics with quick fixes/i, BACKING.Linters!],
  [/workflow diagram/i, BACKING.Visualization!],
  [/executions/i, () => has('durableLens.openExecution', 'durableLens.openExecutionByArn') && views.length > 0],
  [/from AWS/i, () => has('durableLens.selectAwsProfile')],
  [/local Lambda endpoint/i, () => JSON.stringify(manifest).includes('durableLens.aws.endpoint')],
  [/local runs/i, () => has('durableLens.runHandlerLocally')],
];

describe('manifest: description and categories promise what is there', () => {
  it('every category is backed by what the extension contributes', () => {
    for (const c of manifest.categories) {
      assert.ok(BACKING[c], `category ${c} has no backing listed here: say what earns it, or drop it`);
      assert.ok(BACKING[c]!(), `category ${c} is not backed by the contributions`);
    }
  });

  it('every capability the description names is backed, and it names no other', () => {
    for (const [phrase, backed] of PHRASES) {
      if (phrase.test(manifest.description)) assert.ok(backed(), `"${phrase.source}" is promised but not contributed`);
    }
    // What is left of the description once the known claims are taken out is the subject, not another promise.
    const rest = PHRASES.reduce((d, [p]) => d.replace(p, ''), manifest.description);
    assert.match(rest, /AWS Lambda durable functions in TypeScript and JavaScript/);
    assert.doesNotMatch(rest, /\b(debug|deploy|monitor|metrics|python|java\b|step functions)/i);
  });
});
