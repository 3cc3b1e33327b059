// Benchmark (node, prints figures): precision and recall of Durable Lens on a labelled corpus, against a
// purely syntactic method-name matcher like AWS's ESLint plugin for this SDK (Math.random, Date.now,
// `new Date()`, callee names containing "uuid", context-method names and plain assignments inside
// `.step(` callbacks, lexically inside the handler only). Run: node out/bench/precision.js
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { checkSourceFile } from '../src/core/check';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'rules', 'precision');

interface Hit {
  readonly file: string;
  readonly line: number;
  readonly rule?: string;
}

function expectedHits(): Hit[] {
  const out: Hit[] = [];
  for (const f of fs.readdirSync(CORPUS).filter((n) => n.endsWith('.ts'))) {
    fs.readFileSync(path.join(CORPUS, f), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = /\/\/ expect: ([a-z-]+)/.exec(text);
        if (m) out.push({ file: f, line: i + 1, rule: m[1] });
      });
  }
  return out;
}

function ours(): Hit[] {
  const files = fs.readdirSync(CORPUS).filter((n) => n.endsWith('.ts')).map((n) => path.join(CORPUS, n));
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: [] });
  const out: Hit[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file)!;
    for (const f of checkSourceFile(ts, program, sf)) out.push({ file: path.basename(file), line: sf.getLineAndCharacterOfPosition(f.start).line + 1, rule: f.rule });
  }
  return out;
}

const CONTEXT_METHODS = new Set(['step', 'wait', 'runInChildContext', 'map', 'parallel', 'invoke', 'waitForCallback', 'createCallback', 'waitForCondition']);

/** The name-matching baseline, applied lexically to the inline handler passed to withDurableExecution. */
function baseline(): Hit[] {
  const out: Hit[] = [];
  for (const name of fs.readdirSync(CORPUS).filter((n) => n.endsWith('.ts'))) {
    const sf = ts.createSourceFile(name, fs.readFileSync(path.join(CORPUS, name), 'utf8'), ts.ScriptTarget.ES2022, true);
    const report = (n: ts.Node): void => {
      out.push({ file: name, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 });
    };
    const calleeName = (e: ts.Expression): string => (ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '');
    const isStepCallback = (fn: ts.Node): boolean => {
      const p = fn.parent;
      return !!p && ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'step';
    };
    const walk = (node: ts.Node, inStep: ts.Node | undefined): void => {
      if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && isStepCallback(node)) inStep = node;
      if (ts.isCallExpression(node)) {
        const text = node.expression.getText(sf);
        const nm = calleeName(node.expression);
        if (!inStep && (text === 'Math.random' || text === 'Date.now' || /uuid/i.test(nm))) report(node);
        if (inStep && ts.isPropertyAccessExpression(node.expression) && CONTEXT_METHODS.has(nm)) report(node);
      }
      if (!inStep && ts.isNewExpression(node) && node.expression.getText(sf) === 'Date' && (!node.arguments || node.arguments.length === 0)) report(node);
      if (inStep) {
        const target = ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment ? node.left : (ts.isPostfixUnaryExpression(node) || ts.isPrefixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) ? node.operand : undefined;
        if (target && ts.isIdentifier(target) && !inStep.getText(sf).match(new RegExp(`(let|const|var)\\s+${target.text}\\b`))) report(node);
      }
      ts.forEachChild(node, (c) => walk(c, inStep));
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && calleeName(node.expression) === 'withDurableExecution' && node.arguments[0]) walk(node.arguments[0], undefined);
      else ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

function score(label: string, got: Hit[], expected: Hit[], byRule: boolean): string {
  const key = (h: Hit): string => `${h.file}:${h.line}${byRule ? ':' + h.rule : ''}`;
  const exp = new Set(expected.map(key));
  const found = new Set(got.map(key));
  const tp = [...found].filter((k) => exp.has(k));
  const fp = [...found].filter((k) => !exp.has(k));
  const fn = [...exp].filter((k) => !found.has(k));
  const precision = found.size ? tp.length / found.size : 1;
  const recall = exp.size ? tp.length / exp.size : 1;
  return [
    `${label}: precision ${(precision * 100).toFixed(0)}% (${tp.length}/${found.size}), recall ${(recall * 100).toFixed(0)}% (${tp.length}/${exp.size})`,
    fp.length ? `  false positives: ${fp.join(', ')}` : '  false positives: none',
    fn.length ? `  missed: ${fn.join(', ')}` : '  missed: none',
  ].join('\n');
}

function main(): void {
  const expected = expectedHits();
  console.log(`corpus: ${fs.readdirSync(CORPUS).filter((n) => n.endsWith('.ts')).length} files, ${expected.length} labelled problems (line level)`);
  console.log(score('durable-lens (line)', ours(), expected, false));
  console.log(score('durable-lens (line + rule id)', ours(), expected, true));
  console.log(score('name-matching baseline (line)', baseline(), expected, false));
}

main();
