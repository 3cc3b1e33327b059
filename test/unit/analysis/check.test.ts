// Unit tests (node, mocha): checkSourceFile — suppressions, severities, the replay/checkpoint scope model
// across helpers and files (cycles, depth, attribution), and never throwing on broken code.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { MAX_CALL_DEPTH } from '../../../src/core/analysis/replay';
import { checkFile, checkSourceFile, MAX_ANALYSED_CHARS } from '../../../src/core/check';
import type { AnalysisError } from '../../../src/core/errors';
import { RULES } from '../../../src/core/rules/registry';
import type { Rule } from '../../../src/core/rules/rule';
import { check, createProject, handler, MAIN_FILE, positionOf, REPO_ROOT } from '../rules/harness';

const rulesAt = (files: Record<string, string>, file = MAIN_FILE, mode: 'program' | 'syntax' = 'program') => {
  const { findings, sf } = check(files, file, mode);
  return findings.map((f) => `${positionOf(sf, f).line}:${f.rule}`);
};

describe('checkSourceFile', () => {
  describe('suppression comments', () => {
    it('suppresses the named rule on the next line only', () => {
      const code = handler('  // durable-lens-ignore-next-line nondeterministic-call -- clock skew is acceptable here\n  const t = Date.now(); console.log(t);\n  const u = Date.now();');
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: code }), ['4:replayed-side-effect-log', '5:nondeterministic-call']);
    });
    it('accepts several rules, and no rule list means every rule', () => {
      const code = handler('  // durable-lens-ignore-next-line nondeterministic-call, replayed-side-effect-log -- demo\n  const t = Date.now(); console.log(t);\n  // durable-lens-ignore-next-line\n  const u = Date.now(); console.log(u);');
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: code }), []);
    });
    it('stacked directives apply to the first code line below them', () => {
      const code = handler('  // durable-lens-ignore-next-line nondeterministic-call -- a\n  // durable-lens-ignore-next-line replayed-side-effect-log -- b\n  const t = Date.now(); console.log(t);');
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: code }), []);
    });
    it('another rule name does not suppress', () => {
      const code = handler('  // durable-lens-ignore-next-line io-outside-step -- wrong rule\n  const t = Date.now();');
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: code }), ['4:nondeterministic-call']);
    });
  });

  describe('severities', () => {
    const code = handler('  const t = Date.now();\n  console.log(t);');
    it('uses the catalogue defaults', () => {
      const { findings } = check({ [MAIN_FILE]: code }, MAIN_FILE, 'syntax');
      assert.deepStrictEqual(findings.map((f) => [f.rule, f.severity]), [['nondeterministic-call', 'error'], ['replayed-side-effect-log', 'info']]);
    });
    it("overrides per rule, and 'off' drops the rule", () => {
      const { findings } = check({ [MAIN_FILE]: code }, MAIN_FILE, 'syntax', { severities: { 'nondeterministic-call': 'warning', 'replayed-side-effect-log': 'off' } });
      assert.deepStrictEqual(findings.map((f) => [f.rule, f.severity]), [['nondeterministic-call', 'warning']]);
    });
  });

  describe('replay scope model', () => {
    it('follows recursive helpers without looping, reporting once', () => {
      const code = 'function a(n: number): number { return n > 0 ? b(n - 1) : Date.now(); }\nfunction b(n: number): number { return a(n); }\n' + handler('  return a(3);');
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: code }), ['1:nondeterministic-call']);
    });
    it(`stops following helper chains after ${MAX_CALL_DEPTH} calls`, () => {
      const n = MAX_CALL_DEPTH + 4;
      const fns = Array.from({ length: n }, (_, i) => `function f${i}() { ${i === n - 1 ? 'return Date.now();' : `return f${i + 1}();`} }`).join('\n');
      const near = 'function g0() { return g1(); }\nfunction g1() { return Date.now(); }';
      const code = fns + '\n' + near + '\n' + handler('  f0(); g0();');
      const got = rulesAt({ [MAIN_FILE]: code });
      assert.deepStrictEqual(got, [`${n + 2}:nondeterministic-call`]);
    });
    it('code reachable only from a step is checkpointed; from both it is replayed', () => {
      const only = 'function stamp() { return Date.now(); }\n' + handler("  await ctx.step('s', async () => stamp());");
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: only }), []);
      const both = 'function stamp() { return Date.now(); }\n' + handler("  await ctx.step('s', async () => stamp());\n  stamp();");
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: both }), ['1:nondeterministic-call']);
    });
    it('attributes a finding in another file to the handler and the call chain', () => {
      const files = {
        '/proj/src/ids.ts': "import { v4 } from 'uuid';\nexport function newId() {\n  return v4();\n}\n",
        '/proj/src/payments.ts': "import { newId } from './ids';\nexport function chargeCard(amount: number) {\n  return { id: newId(), amount };\n}\n",
        [MAIN_FILE]: "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nimport { chargeCard } from './payments';\nasync function processOrder(event: any, ctx: any) {\n  return chargeCard(event.amount);\n}\nexport const handler = withDurableExecution(processOrder);\n",
      };
      const { findings } = check(files, '/proj/src/ids.ts', 'program');
      assert.strictEqual(findings.length, 1);
      const f = findings[0]!;
      assert.deepStrictEqual(f.via, ['processOrder', 'chargeCard', 'newId']);
      assert.deepStrictEqual(f.handler, { name: 'processOrder', fileName: MAIN_FILE, line: 3 });
      assert.ok(f.message.endsWith('(reached from handler "processOrder" (handler.ts:3) via processOrder → chargeCard → newId)'), f.message);
      // Without a program, other files are not followed.
      assert.deepStrictEqual(check(files, '/proj/src/ids.ts', 'syntax').findings, []);
    });
    it('resolves a re-exported package function by symbol (checker), not by its name', () => {
      const files = {
        '/proj/node_modules/uuid/package.json': JSON.stringify({ name: 'uuid', types: 'index.d.ts' }),
        '/proj/node_modules/uuid/index.d.ts': 'export declare function v4(): string;\n',
        '/proj/src/ids.ts': "export { v4 as makeKey } from 'uuid';\n",
        [MAIN_FILE]: "import { makeKey } from './ids';\n" + handler('  return makeKey();'),
      };
      assert.deepStrictEqual(rulesAt(files), ['4:nondeterministic-call']);
    });
    it('follows namespace-imported helpers and methods of user classes across files', () => {
      const files = {
        '/proj/src/util.ts': 'export function stamp() {\n  return Date.now();\n}\nexport class Clock {\n  now() {\n    return Math.random();\n  }\n}\n',
        [MAIN_FILE]: "import * as util from './util';\nimport { Clock } from './util';\nconst clock = new Clock();\n" + handler('  util.stamp();\n  clock.now();'),
      };
      assert.deepStrictEqual(rulesAt(files, '/proj/src/util.ts'), ['2:nondeterministic-call', '6:nondeterministic-call']);
    });
    it('follows a handler declared in another file and passed to withDurableExecution', () => {
      const files = {
        '/proj/src/main.ts': 'export async function main(event: any, context: any) {\n  return Date.now();\n}\n',
        [MAIN_FILE]: "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nimport { main } from './main';\nexport const handler = withDurableExecution(main);\n",
      };
      assert.deepStrictEqual(rulesAt(files, '/proj/src/main.ts'), ['2:nondeterministic-call']);
    });
    it('treats waitForCallback submitters and waitForCondition checks as checkpointed, parallel { name, func } bodies as replayed', () => {
      const code = handler(
        [
          "  await ctx.waitForCallback('approve', async (callbackId) => { await fetch('https://a/' + callbackId); });",
          "  await ctx.waitForCondition('poll', async (state: number) => { await fetch('https://b'); return state + 1; }, { initialState: 0 } as any);",
          "  await ctx.parallel('p', [{ name: 'x', func: async (b: any) => { await fetch('https://c'); } }]);",
        ].join('\n'),
      );
      assert.deepStrictEqual(rulesAt({ [MAIN_FILE]: code }), ['5:io-outside-step']);
    });
    it('follows class methods from a class-based handler', () => {
      const code = "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nclass Workflow {\n  async run(event: any, ctx: DurableContext) {\n    return this.stamp();\n  }\n  private stamp() {\n    return Date.now();\n  }\n}\nexport const handler = withDurableExecution((e: any, c: DurableContext) => new Workflow().run(e, c));\n";
      const { findings, sf } = check({ [MAIN_FILE]: code }, MAIN_FILE, 'program');
      assert.deepStrictEqual(findings.map((f) => [positionOf(sf, f).line, f.rule, f.via]), [[7, 'nondeterministic-call', ['handler', 'run', 'stamp']]]);
    });
    it('a durable helper not reached from any handler is still replayed code', () => {
      const code = "import type { DurableContext } from '@aws/durable-execution-sdk-js';\nexport async function audit(ctx: DurableContext) {\n  console.log('x');\n}\n";
      const { findings } = check({ [MAIN_FILE]: code }, MAIN_FILE, 'syntax');
      assert.deepStrictEqual(findings.map((f) => f.rule), ['replayed-side-effect-log']);
      assert.strictEqual(findings[0]!.handler, undefined);
    });
  });

  describe('robustness', () => {
    const broken = [
      '',
      'withDurableExecution(',
      handler('  ctx.step(').slice(0, -4),
      handler('  await ctx.step("a", async () => { items.push( }); const = ;'),
      handler('  const x = new ();\n  Date.now(;\n  ctx.map(, , );\n  ctx.promise.all(;'),
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const h = withDurableExecution();\nexport const g = withDurableExecution(42);\nexport default withDurableExecution(async () => {});",
      handler('  @@@ ### } } } ) ) ('),
    ];
    broken.forEach((code, i) => {
      it(`does not throw on broken code #${i + 1}`, () => {
        for (const mode of ['program', 'syntax'] as const) {
          const { findings } = check({ [MAIN_FILE]: code }, MAIN_FILE, mode);
          assert.ok(Array.isArray(findings));
        }
      });
    });
    it('does not throw on every truncation of a realistic handler', () => {
      const text = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'analysis', 'order-saga.ts'), 'utf8');
      for (let cut = 0; cut < text.length; cut += 37) {
        const sf = ts.createSourceFile(MAIN_FILE, text.slice(0, cut), ts.ScriptTarget.ES2022, true);
        assert.ok(Array.isArray(checkSourceFile(ts, undefined, sf)));
      }
    });
  });

  describe('caching', () => {
    it('returns the same findings for the same (program, file)', () => {
      const program = createProject({ [MAIN_FILE]: handler('  Date.now();') }, true);
      const sf = program.getSourceFile(MAIN_FILE)!;
      const a = checkSourceFile(ts, program, sf);
      const b = checkSourceFile(ts, program, sf);
      assert.deepStrictEqual(a, b);
      assert.strictEqual(a.length, 1);
    });
  });

  describe('internal errors are seen, never "no findings"', () => {
    it('a rule that throws is reported with its id and file; the other rules keep their findings', () => {
      const rule = RULES['global-state-mutation'] as { create: Rule['create'] };
      const original = rule.create;
      rule.create = () => (node) => {
        if (ts.isIdentifier(node) && node.text === 'boom') throw new TypeError('cannot read properties of undefined');
      };
      try {
        const program = createProject({ [MAIN_FILE]: handler('  const boom = 1;\n  Date.now();') }, true);
        const sf = program.getSourceFile(MAIN_FILE)!;
        const sink: AnalysisError[] = [];
        const result = checkFile(ts, program, sf, { onError: (e) => sink.push(e) });
        assert.deepStrictEqual(result.findings.map((f) => f.rule), ['nondeterministic-call']);
        assert.strictEqual(result.errors.length, 1);
        assert.deepStrictEqual(sink, result.errors);
        assert.strictEqual(sink[0]!.rule, 'global-state-mutation');
        assert.strictEqual(sink[0]!.file, MAIN_FILE);
        assert.strictEqual(sink[0]!.reason, 'internal');
        assert.match(sink[0]!.message, /cannot read properties of undefined/);
        // The cached answer keeps its errors (a later request must not look clean).
        assert.strictEqual(checkFile(ts, program, sf).errors.length, 1);
      } finally {
        rule.create = original;
      }
    });

    it('a stack overflow in a rule is reported as too-deep', () => {
      const rule = RULES['global-state-mutation'] as { create: Rule['create'] };
      const original = rule.create;
      const recurse = (n: number): number => recurse(n + 1) + 1;
      rule.create = () => (node) => {
        if (ts.isIdentifier(node) && node.text === 'boom') recurse(0);
      };
      try {
        const program = createProject({ [MAIN_FILE]: handler('  const boom = 1;') }, true);
        const result = checkFile(ts, program, program.getSourceFile(MAIN_FILE)!);
        assert.deepStrictEqual(result.errors.map((e) => `${e.reason} ${e.rule}`), ['too-deep global-state-mutation']);
      } finally {
        rule.create = original;
      }
    });

    it('a file over the size limit is skipped with the reason, not analysed as empty', () => {
      const big = handler('  Date.now();') + '\n// ' + 'x'.repeat(MAX_ANALYSED_CHARS) + '\n';
      const program = createProject({ [MAIN_FILE]: big }, true);
      const result = checkFile(ts, program, program.getSourceFile(MAIN_FILE)!);
      assert.deepStrictEqual(result.findings, []);
      assert.deepStrictEqual(result.skipped, { reason: 'too-large', chars: big.length, limit: MAX_ANALYSED_CHARS });
    });
  });
});
