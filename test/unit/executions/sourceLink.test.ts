// Unit tests (node, mocha): linking deployed Lambda functions to handler files from SAM templates (Globals,
// short-form intrinsics, esbuild entry points), CDK assemblies (templates, assets, source maps) and the setting.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bareFunctionName, handlerCandidates, matchFunction, parseFunctionSourcesSetting, resolveSourceFile, SourceLinkError } from '../../../src/extension/executions/sourceLink';
import { parseCdkAssembly } from '../../../src/extension/executions/sourceLinkCdk';
import { parseSamTemplate } from '../../../src/extension/executions/sourceLinkSam';

const ROOT = path.resolve('/ws');

const SAM = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs22.x
    CodeUri: functions/
    Handler: index.handler
Resources:
  OrderFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: order/app.lambdaHandler
      Role: !GetAtt OrderRole.Arn
      Environment:
        Variables:
          TABLE: !Ref OrdersTable
          QUEUE: !Sub "\${AWS::StackName}-queue"
      DurableConfig:
        ExecutionTimeout: 3600
  PaymentFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "\${AWS::StackName}-payments"
      CodeUri: payments
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints:
          - src/index.ts
  Fixed:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: fixed-name
      Handler: dist/fixed.main
  PythonOne:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
  OrdersTable:
    Type: AWS::DynamoDB::Table
`;

describe('source link: SAM template', () => {
  const fns = parseSamTemplate(SAM, path.join(ROOT, 'template.yaml'));
  const byId = (id: string) => {
    const f = fns.find((x) => x.logicalId === id);
    assert.ok(f, `${id} not parsed; got ${fns.map((x) => x.logicalId).join(', ')}`);
    return f;
  };

  it('reads Node.js functions only, with Globals applied and short-form tags understood', () => {
    assert.deepStrictEqual(fns.map((f) => f.logicalId).sort(), ['Fixed', 'OrderFunction', 'PaymentFunction']);
    const order = byId('OrderFunction');
    assert.strictEqual(order.exportName, 'lambdaHandler');
    assert.strictEqual(order.files[0], path.join(ROOT, 'functions', 'order', 'app.ts'));
    assert.ok(order.files.includes(path.join(ROOT, 'functions', 'order', 'app.js')));
  });

  it('takes Handler from Globals and puts an esbuild entry point first', () => {
    const pay = byId('PaymentFunction');
    assert.strictEqual(pay.handler, 'index.handler');
    assert.strictEqual(pay.exportName, 'handler');
    assert.strictEqual(pay.files[0], path.join(ROOT, 'payments', 'src', 'index.ts'));
  });

  it('maps a handler in a build folder back to src/', () => {
    const fixed = byId('Fixed');
    assert.strictEqual(fixed.exportName, 'main');
    assert.ok(fixed.files.includes(path.join(ROOT, 'functions', 'src', 'fixed.ts')), fixed.files.join('\n'));
  });

  it('matches deployed names: literal, !Sub pattern, CloudFormation generated', () => {
    assert.deepStrictEqual(matchFunction('fixed-name', fns).map((f) => f.logicalId), ['Fixed']);
    assert.deepStrictEqual(matchFunction('arn:aws:lambda:us-east-1:123456789012:function:shop-payments:$LATEST', fns).map((f) => f.logicalId), ['PaymentFunction']);
    assert.deepStrictEqual(matchFunction('shop-prod-OrderFunction-AbC123xyz', fns).map((f) => f.logicalId), ['OrderFunction']);
    assert.deepStrictEqual(matchFunction('something-else', fns), []);
  });

  it('reports bad YAML and a file that is not a template as typed errors', () => {
    assert.throws(() => parseSamTemplate('Resources: [unclosed', '/ws/template.yaml'), (e: unknown) => e instanceof SourceLinkError && e.reason === 'bad-yaml' && /line \d+/.test(e.message));
    assert.throws(() => parseSamTemplate('name: x\n', '/ws/template.yaml'), (e: unknown) => e instanceof SourceLinkError && e.reason === 'not-a-template');
    assert.throws(() => parseSamTemplate('Resources:\n  A: !Bogus 1\n', '/ws/template.yaml'), (e: unknown) => e instanceof SourceLinkError && e.reason === 'bad-yaml');
  });

  it('reads a JSON template too', () => {
    const json = JSON.stringify({ Resources: { F: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'a.b', Runtime: 'nodejs20.x' } } } });
    const [f] = parseSamTemplate(json, path.join(ROOT, 'template.json'));
    assert.strictEqual(f.exportName, 'b');
    assert.strictEqual(f.files[0], path.join(ROOT, 'a.ts'));
  });
});

describe('source link: CDK assembly', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cdk-'));
    const out = path.join(dir, 'cdk.out');
    fs.mkdirSync(path.join(out, 'asset.abc123'), { recursive: true });
    fs.mkdirSync(path.join(out, 'asset.def456'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'lambda'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lambda', 'order.ts'), 'export const handler = 1;\n');
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts: { Tree: { type: 'cdk:tree' }, ShopStack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'ShopStack.template.json' } } } }));
    fs.writeFileSync(
      path.join(out, 'ShopStack.template.json'),
      JSON.stringify({
        Resources: {
          OrderFn1A2B3C4D: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x' }, Metadata: { 'aws:cdk:path': 'ShopStack/OrderFn/Resource', 'aws:asset:path': 'asset.abc123', 'aws:asset:property': 'Code' } },
          Named: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'main.run', FunctionName: 'named-fn' }, Metadata: { 'aws:asset:path': 'asset.def456' } },
          Inline: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Code: { ZipFile: 'x' } } },
        },
      })
    );
    fs.writeFileSync(path.join(out, 'asset.abc123', 'index.js'), '// bundled\n');
    fs.writeFileSync(path.join(out, 'asset.abc123', 'index.js.map'), JSON.stringify({ version: 3, sources: ['../../node_modules/@aws/durable-execution-sdk-js/dist/index.mjs', '../../lambda/order.ts'], mappings: '' }));
    fs.writeFileSync(path.join(out, 'asset.def456', 'main.js'), '// no map\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);

  it('links a bundled asset to the TypeScript entry named by its source map', () => {
    const fns = parseCdkAssembly(path.join(dir, 'cdk.out'), read);
    assert.deepStrictEqual(fns.map((f) => f.logicalId).sort(), ['Named', 'OrderFn1A2B3C4D']);
    const order = fns.find((f) => f.logicalId === 'OrderFn1A2B3C4D');
    assert.ok(order);
    assert.strictEqual(resolveSourceFile(order, fs.existsSync), path.join(dir, 'lambda', 'order.ts'));
    assert.strictEqual(order.exportName, 'handler');
    assert.deepStrictEqual(matchFunction('ShopStack-OrderFn1A2B3C4D-Zx9Yw8', fns).map((f) => f.logicalId), ['OrderFn1A2B3C4D']);
  });

  it('falls back to the bundle when there is no map', () => {
    const named = parseCdkAssembly(path.join(dir, 'cdk.out'), read).find((f) => f.logicalId === 'Named');
    assert.ok(named);
    assert.strictEqual(resolveSourceFile(named, fs.existsSync), path.join(dir, 'cdk.out', 'asset.def456', 'main.js'));
    assert.strictEqual(named.exportName, 'run');
  });

  it('a missing manifest is no functions; a broken one is a typed error', () => {
    assert.deepStrictEqual(parseCdkAssembly(path.join(dir, 'nope'), read), []);
    assert.throws(() => parseCdkAssembly('/x', () => '{oops'), (e: unknown) => e instanceof SourceLinkError && e.reason === 'bad-json');
  });
});

describe('source link: setting and names', () => {
  it('parses "path#export" entries and reports the bad ones', () => {
    const { sources, problems } = parseFunctionSourcesSetting({ 'order-fn': 'src/order.ts#run', pay: 'src/pay', bad: 42, worse: 'x.ts#not valid' }, ROOT);
    assert.deepStrictEqual(sources.map((s) => [s.functionName, s.exportName, s.files[0]]), [
      ['order-fn', 'run', path.join(ROOT, 'src', 'order.ts')],
      ['pay', 'handler', path.join(ROOT, 'src', 'pay.ts')],
    ]);
    assert.strictEqual(problems.length, 2);
    assert.ok(problems[0].includes('bad'));
    assert.deepStrictEqual(parseFunctionSourcesSetting('nope', ROOT).sources, []);
    assert.strictEqual(parseFunctionSourcesSetting('nope', ROOT).problems.length, 1);
  });

  it('the setting wins over a template match', () => {
    const setting = parseFunctionSourcesSetting({ 'fixed-name': 'a.ts' }, ROOT).sources;
    const sam = parseSamTemplate(SAM, path.join(ROOT, 'template.yaml'));
    assert.deepStrictEqual(matchFunction('fixed-name', [...sam, ...setting]).map((s) => s.origin), ['setting']);
  });

  it('bare names from ARNs and qualified names', () => {
    assert.strictEqual(bareFunctionName('arn:aws:lambda:eu-west-1:1:function:my-fn:7'), 'my-fn');
    assert.strictEqual(bareFunctionName('arn:aws:lambda:eu-west-1:1:function:my-fn:$LATEST/durable-execution/n/i'), 'my-fn');
    assert.strictEqual(bareFunctionName('my-fn:prod'), 'my-fn');
  });

  it('handler strings without a dot use the default export name', () => {
    const c = handlerCandidates(ROOT, 'index');
    assert.strictEqual(c.exportName, 'handler');
    assert.strictEqual(c.files[0], path.join(ROOT, 'index.ts'));
  });
});
