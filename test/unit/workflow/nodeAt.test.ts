// Unit tests (node, mocha): nodeAt in core — the workflow node an editor offset is in (panel and CLI use it).
import * as assert from 'assert';
import { nodeAt } from '../../../src/core/workflow/nodeAt';
import { inferText } from './support';

describe('nodeAt', () => {
  const code = "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n  await ctx.runInChildContext('kid', async (child) => {\n    await child.step('inner', async () => 1);\n  });\n  return 1;\n});\n";
  const [h] = inferText(code, '/virtual/h.ts');
  const lineOf = (o: number): number => code.slice(0, o).split('\n').length;
  it('is the innermost operation holding the offset', () => {
    assert.strictEqual(nodeAt(h!, '/virtual/h.ts', code.indexOf("'inner'"), lineOf)?.name, 'inner');
    assert.strictEqual(nodeAt(h!, '/virtual/h.ts', code.indexOf("'kid'"), lineOf)?.name, 'kid');
  });
  it('is start on the handler line outside any operation, nothing in another file', () => {
    assert.strictEqual(nodeAt(h!, '/virtual/h.ts', code.indexOf('withDurableExecution(async'), lineOf)?.kind, 'start');
    assert.strictEqual(nodeAt(h!, '/virtual/other.ts', code.indexOf("'inner'"), lineOf), undefined);
  });
});
