// tsserver tier (node): findings you can find (issue 11) through the real tsserver and the built plugin: opening
// only the handler of samples/split-handler shows the Math.random its helper reaches, linked to the helper's line.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, TsServer, type ProtocolDiagnostic } from './tsserverClient';

const SAMPLE = path.join(REPO_ROOT, 'samples', 'split-handler', 'src');
const HANDLER = path.join(SAMPLE, 'handler.ts');
const IDS = path.join(SAMPLE, 'helpers', 'ids.ts');

interface Related {
  span?: { start: { line: number; offset: number }; end: { line: number; offset: number }; file: string };
  message: string;
  category: string;
  code: number;
}
type WithRelated = ProtocolDiagnostic & { relatedInformation?: Related[] };

const lineOf = (file: string, needle: string) => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('tsserver plugin: a helper finding seen from the handler', function () {
  this.timeout(60000);
  let server: TsServer;
  before(() => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'durable-lens-tsplugin', 'index.js'))) {
      throw new Error('node_modules/durable-lens-tsplugin is missing: run `npx webpack --mode development` first');
    }
    server = new TsServer();
    server.open(HANDLER);
  });
  after(() => server.close());

  it('the handler file alone shows a diagnostic at the call, with the rule, severity and a link to the helper line', async () => {
    const ds = (await server.semanticDiagnostics(HANDLER)).filter((d) => d.source?.startsWith('durable-lens')) as WithRelated[];
    const callLine = lineOf(HANDLER, 'await issueInvoice(');
    const randomLine = lineOf(IDS, 'Math.random()');
    assert.deepStrictEqual(ds.map((d) => `${d.start.line} ${d.code} ${d.category}`), [`${callLine} 91001 error`]);
    const d = ds[0]!;
    assert.match(d.text, new RegExp(`^issueInvoice\\(\\) reaches Math\\.random\\(\\) in helpers/ids\\.ts:${randomLine}: .*$`));
    assert.strictEqual(d.source, 'durable-lens/nondeterministic-call', 'the rule is named beside the message');
    assert.strictEqual(d.relatedInformation?.length, 1, JSON.stringify(d));
    const r = d.relatedInformation![0]!;
    assert.strictEqual(path.resolve(r.span!.file), IDS);
    assert.strictEqual(r.span!.start.line, randomLine);
    assert.match(r.message, /reached from handler "billCustomer" \(\.\.\/handler\.ts:\d+\)/);
  });

  it('offers no quick fix of ours at the call: the fixes stay on the helper line', async () => {
    const d = (await server.semanticDiagnostics(HANDLER)).find((x) => x.source?.startsWith('durable-lens'))!;
    const fixes = await server.codeFixes(HANDLER, d);
    assert.deepStrictEqual(fixes.map((f) => f.fixName), []);
    server.open(IDS);
    const h = (await server.semanticDiagnostics(IDS)).find((x) => x.source?.startsWith('durable-lens'))!;
    assert.match(h.text, /reached from handler "billCustomer" \(\.\.\/handler\.ts:\d+\) via billCustomer → issueInvoice → newId\)/);
    const helperFixes = await server.codeFixes(IDS, h);
    assert.ok(helperFixes.some((f) => f.fixName === 'durableLens.suppress'), helperFixes.map((f) => f.fixName).join(', '));
  });
});
