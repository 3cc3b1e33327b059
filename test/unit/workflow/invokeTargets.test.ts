// Unit tests (node, mocha): finding the workspace handler an invoke target names (function name, ARN,
// environment variable name), and refusing to guess when two handlers match.
import * as assert from 'assert';
import * as ts from 'typescript';
import { buildInvokeResolver, normalizeInvokeTarget } from '../../../src/core/workflow/invokeTargets';

const SDK = "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n";

function file(name: string, text: string): ts.SourceFile {
  return ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
}

describe('invoke targets', () => {
  it('normalises names, ARNs with qualifiers, and env variable names', () => {
    assert.strictEqual(normalizeInvokeTarget('order-processor'), 'orderprocessor');
    assert.strictEqual(normalizeInvokeTarget('arn:aws:lambda:us-east-1:123456789012:function:order-processor:prod'), 'orderprocessor');
    assert.strictEqual(normalizeInvokeTarget('REFUND_FUNCTION_ARN'), 'refund');
    assert.strictEqual(normalizeInvokeTarget('ORDERS_FUNCTION'), 'orders');
    assert.strictEqual(normalizeInvokeTarget('order-processor:live'), 'orderprocessor');
  });

  it('matches a handler by file name, folder name or handler name', () => {
    const r = buildInvokeResolver(ts, [
      file('/ws/src/order-processor.ts', SDK + 'export const handler = withDurableExecution(async (e: any, c: any) => {});'),
      file('/ws/functions/refunds/handler.ts', SDK + 'export const handler = withDurableExecution(async (e: any, c: any) => {});'),
      file('/ws/src/misc.ts', SDK + 'export const shipOrder = withDurableExecution(async (e: any, c: any) => {});'),
      file('/ws/node_modules/x/order.ts', SDK + 'export const order = withDurableExecution(async (e: any, c: any) => {});'),
    ]);
    assert.strictEqual(r('arn:aws:lambda:eu-west-1:1:function:order-processor:3')?.file, '/ws/src/order-processor.ts');
    assert.strictEqual(r('REFUNDS_FUNCTION')?.file, '/ws/functions/refunds/handler.ts');
    assert.deepStrictEqual(r('ship-order'), { name: 'shipOrder', file: '/ws/src/misc.ts', line: 2 });
    assert.strictEqual(r('order'), undefined, 'node_modules is not the workspace');
    assert.strictEqual(r('unknown-fn'), undefined);
  });

  it('two handlers with the same key resolve to none rather than a guess', () => {
    const r = buildInvokeResolver(ts, [
      file('/ws/a/billing.ts', SDK + 'export const handler = withDurableExecution(async (e: any, c: any) => {});'),
      file('/ws/b/billing.ts', SDK + 'export const handler = withDurableExecution(async (e: any, c: any) => {});'),
    ]);
    assert.strictEqual(r('billing'), undefined);
  });
});
