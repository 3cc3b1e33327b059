// Unit tests (node, mocha): the workflow diagram's theme colours and the rewrite of renderMermaid's classDef
// lines — only our class styles and edge colours change, every colour that comes out is a plain #rrggbb
// (a hostile theme value cannot inject Mermaid), labels stay readable (WCAG 4.5:1) in every theme kind.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { labelChanges } from '../../../src/core/workflow/labelDiff';
import { renderMermaid } from '../../../src/core/workflow/mermaid';
import {
  contrastRatio,
  DEFAULT_FONT,
  diagramTheme,
  parseColor,
  styleText,
  themeClassDefs,
  THEME_COLOR_IDS,
  type ThemeColorId,
  type ThemeKind,
} from '../../../src/core/workflow/themeClassDefs';
import { GOLDEN, inferFixture } from './support';

const KINDS: readonly ThemeKind[] = ['light', 'dark', 'highContrast', 'highContrastLight'];
const HEX = /^#[0-9a-f]{6}$/;
/** A classDef line with nothing but plain colours, widths and dash lengths in its style. */
const SAFE_CLASSDEF = /^  classDef [\w-]+ (?:(?:fill|stroke|color):#[0-9a-f]{6}|stroke-width:\d+(?:\.\d+)?px|stroke-dasharray:\d+(?: \d+)*)(?:,(?:(?:fill|stroke|color):#[0-9a-f]{6}|stroke-width:\d+(?:\.\d+)?px|stroke-dasharray:\d+(?: \d+)*))*$/;

function goldens(): Array<{ name: string; text: string }> {
  return fs
    .readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.mmd'))
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(GOLDEN, f), 'utf8') }));
}

/** Style values of a classDef line: `{ fill: '#…', stroke: '#…', … }`. */
function styleOf(text: string, cls: string): Record<string, string> | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`  classDef ${cls} `));
  if (!line) return undefined;
  return Object.fromEntries(line.slice(`  classDef ${cls} `.length).split(',').map((p) => p.split(':') as [string, string]));
}

describe('workflow theme colours', () => {
  describe('themeClassDefs (the rewrite)', () => {
    for (const kind of KINDS) {
      it(`${kind}: changes only our classDef and error/exit linkStyle lines, all to plain values`, () => {
        const theme = diagramTheme(kind);
        for (const { name, text } of goldens()) {
          const out = themeClassDefs(text, theme);
          const before = text.split('\n');
          const after = out.split('\n');
          assert.strictEqual(after.length, before.length, name);
          let changed = 0;
          for (let i = 0; i < before.length; i++) {
            if (before[i] === after[i]) continue;
            changed++;
            const line = after[i]!;
            if (line.startsWith('  classDef ')) {
              assert.match(line, SAFE_CLASSDEF, `${name}: ${line}`);
              assert.strictEqual(line.split(' ')[3], before[i]!.split(' ')[3], 'the same class');
            } else {
              assert.match(line, /^  linkStyle [\d,]+ stroke:#[0-9a-f]{6}(,stroke-width:1\.5px)?$/, `${name}: ${line}`);
              assert.strictEqual(line.split(' ')[3], before[i]!.split(' ')[3], 'the same edges');
            }
          }
          // Every classDef renderMermaid wrote is ours and themed (none keeps a pastel fill).
          const defs = before.filter((l) => l.startsWith('  classDef ')).length;
          assert.ok(changed >= defs, `${name}: ${changed} lines changed, ${defs} classDefs`);
          assert.ok(!/#e3f2fd|#1b1b1b/.test(out), `${name}: no pastel left`);
        }
      });
    }

    it('leaves the CLI text alone when given no theme for a class, and never touches label lines', () => {
      const { text } = renderMermaid(inferFixture('hostile-names')[0]!);
      assert.strictEqual(themeClassDefs(text, { classes: {}, links: { error: '#c62828', exit: '#757575' } }), text);
      const themed = themeClassDefs(text, diagramTheme('dark'));
      const labelLines = (t: string) => t.split('\n').filter((l) => !/^  (classDef|linkStyle) /.test(l));
      assert.deepStrictEqual(labelLines(themed), labelLines(text));
    });

    it('does not mistake a label that reads like a classDef for one', () => {
      const text = 'flowchart TD\n  n0["step#58; x\nclassDef k-step fill red"]\n  classDef k-step fill:#e3f2fd,stroke:#1565c0,color:#1b1b1b\n';
      const out = themeClassDefs(text, diagramTheme('dark')).split('\n');
      assert.strictEqual(out[2], 'classDef k-step fill red"]');
      assert.match(out[3]!, SAFE_CLASSDEF);
    });

    it('keeps the original line when a style value is not a plain colour (a hostile palette cannot inject)', () => {
      const text = '  classDef k-step fill:#e3f2fd,stroke:#1565c0,color:#1b1b1b\n  classDef k-wait fill:#fff8e1,stroke:#f9a825,color:#1b1b1b';
      const hostile = [
        'red',
        '#fff;}',
        '#ffffff\n  click n0 call alert(1)',
        'url(javascript:alert(1))',
        '#12345',
        '#1234567',
        'expression(alert(1))',
      ];
      for (const v of hostile) {
        const out = themeClassDefs(text, {
          classes: { 'k-step': { fill: v, stroke: '#000000', strokeWidth: 1 }, 'k-wait': { stroke: v, strokeWidth: 1 } },
          links: { error: v, exit: v },
        });
        assert.strictEqual(out, text, JSON.stringify(v));
      }
      assert.strictEqual(styleText({ stroke: '#000000', strokeWidth: 1, dash: '4 3;x' }), undefined);
      assert.strictEqual(styleText({ stroke: '#000000', strokeWidth: Number.NaN }), undefined);
      // Only our classes are rewritten, even if the theme names others.
      const other = '  classDef evil fill:#ffffff';
      assert.strictEqual(themeClassDefs(other, { classes: { evil: { fill: '#000000', stroke: '#000000', strokeWidth: 1 } }, links: { error: '#000000', exit: '#000000' } }), other);
    });

    it('applies the same way to both texts of a relabel: a rename is still only a label change', () => {
      const h = inferFixture('errors')[0]!;
      const renamed = JSON.parse(JSON.stringify(h)) as typeof h;
      const step = renamed.nodes.find((n) => n.kind === 'step')! as { name: string | null };
      step.name = 'charge-renamed';
      const theme = diagramTheme('dark');
      const a = themeClassDefs(renderMermaid(h).text, theme);
      const b = themeClassDefs(renderMermaid(renamed).text, theme);
      const changes = labelChanges(a, b);
      assert.ok(changes, 'only labels differ');
      assert.strictEqual(changes.length, 1);
      assert.ok(changes[0]!.lines.join(' ').includes('charge-renamed'));
      // A theme switch is not a label change: it needs a full draw.
      assert.strictEqual(labelChanges(a, themeClassDefs(renderMermaid(h).text, diagramTheme('light'))), undefined);
    });
  });

  describe('diagramTheme (the colours)', () => {
    for (const kind of KINDS) {
      it(`${kind}: every node label reads on its fill (4.5:1), every colour is #rrggbb`, () => {
        const theme = diagramTheme(kind);
        for (const [name, s] of Object.entries(theme.classes)) {
          for (const v of [s.fill, s.stroke, s.color]) if (v !== undefined) assert.match(v, HEX, `${name}: ${v}`);
          if (s.fill && s.color) assert.ok(contrastRatio(s.color, s.fill) >= 4.5, `${kind} ${name}: ${s.color} on ${s.fill}`);
        }
        for (const [k, v] of Object.entries(theme.variables)) if (k !== 'fontFamily' && typeof v === 'string') assert.match(v, HEX, `${k}: ${v}`);
        assert.strictEqual(theme.variables.fontFamily, DEFAULT_FONT);
      });
    }

    it('light and dark: the kinds have distinct tinted fills; high contrast: background fill, contrast border, 2px', () => {
      for (const kind of ['light', 'dark'] as const) {
        const t = diagramTheme(kind);
        const kinds = ['k-step', 'k-wait', 'k-waitForCallback', 'k-waitForCondition', 'k-invoke', 'k-runInChildContext', 'k-parallel', 'k-map', 'k-promise-all', 'k-decision', 'k-catch', 'k-start'];
        const fills = kinds.map((k) => t.classes[k]!.fill);
        assert.strictEqual(new Set(fills).size, fills.length, `${kind}: ${fills.join(' ')}`);
        assert.ok(fills.every((f) => f !== t.variables.background), `${kind}: tinted`);
      }
      assert.notStrictEqual(diagramTheme('light').classes['k-step']!.fill, diagramTheme('dark').classes['k-step']!.fill);
      for (const kind of ['highContrast', 'highContrastLight'] as const) {
        const t = diagramTheme(kind, { 'contrastBorder': '#6fc3df', 'editor.background': '#000000', 'editor.foreground': '#ffffff' });
        const s = t.classes['k-step']!;
        assert.strictEqual(s.fill, '#000000');
        assert.strictEqual(s.stroke, '#6fc3df');
        assert.ok(s.strokeWidth >= 2);
      }
    });

    it("takes the theme's own colours, composites translucent ones, and falls back for missing or bad ones", () => {
      const given: Partial<Record<ThemeColorId, string>> = {
        'editor.background': 'rgb(30, 30, 30)',
        'editor.foreground': '#d4d4d4',
        'charts.blue': '#3794ff',
        'charts.green': '#89d18580', // half transparent
        'charts.red': 'not a colour',
      };
      const t = diagramTheme('dark', given);
      assert.strictEqual(t.variables.background, '#1e1e1e');
      assert.strictEqual(t.classes['k-step']!.stroke, '#3794ff');
      assert.strictEqual(t.classes['k-step']!.color, '#d4d4d4');
      assert.strictEqual(t.classes['k-start']!.stroke, '#547852', 'green laid over the background at 50%');
      assert.strictEqual(t.classes['k-catch']!.stroke, '#f14c4c', "Dark Modern's red for a value that does not parse");
    });

    it('keeps labels readable when the theme foreground does not read on its background', () => {
      const t = diagramTheme('dark', { 'editor.background': '#202020', 'editor.foreground': '#262626' });
      for (const [name, s] of Object.entries(t.classes)) if (s.fill && s.color) assert.ok(contrastRatio(s.color, s.fill) >= 4.5, name);
      // Bright accents on a light theme: the tint is thinned until the text reads.
      const loud = diagramTheme('light', { 'editor.foreground': '#767676', 'charts.blue': '#0000ff', 'charts.red': '#ff0000' });
      for (const [name, s] of Object.entries(loud.classes)) if (s.fill && s.color) assert.ok(contrastRatio(s.color, s.fill) >= 4.5, name);
    });

    it('a hostile theme value never reaches the Mermaid text', () => {
      const evil = 'red;} \n  click n0 call alert(1) %%';
      const given = Object.fromEntries(THEME_COLOR_IDS.map((id) => [id, evil])) as Record<ThemeColorId, string>;
      const t = diagramTheme('dark', given, 'x; } .node { fill: url(javascript:alert(1))');
      const out = themeClassDefs(renderMermaid(inferFixture('errors')[0]!).text, t);
      assert.ok(!/alert|click|javascript|%%|red;/.test(out), out);
      for (const line of out.split('\n').filter((l) => l.startsWith('  classDef '))) assert.match(line, SAFE_CLASSDEF);
      assert.strictEqual(t.variables.fontFamily, DEFAULT_FONT, 'a font list with CSS syntax is not used');
      assert.strictEqual(diagramTheme('dark', {}, '"Segoe UI", Ubuntu, sans-serif').variables.fontFamily, '"Segoe UI", Ubuntu, sans-serif');
    });

    it('themed classDefs keep their dash patterns', () => {
      const text = renderMermaid(inferFixture('operations')[0]!).text;
      const out = themeClassDefs(text, diagramTheme('light'));
      assert.strictEqual(styleOf(out, 'k-callbackAwait')?.['stroke-dasharray'], '4 3');
      assert.strictEqual(styleOf(out, 'k-promise-race')?.['stroke-dasharray'], '2 2');
    });
  });

  describe('parseColor', () => {
    it('reads the forms VS Code and getComputedStyle write, and nothing else', () => {
      assert.deepStrictEqual(parseColor('#abc'), { r: 0xaa, g: 0xbb, b: 0xcc, a: 1 });
      assert.deepStrictEqual(parseColor(' #1E1E1E '), { r: 30, g: 30, b: 30, a: 1 });
      assert.deepStrictEqual(parseColor('#ffffff80'), { r: 255, g: 255, b: 255, a: 128 / 255 });
      assert.deepStrictEqual(parseColor('rgb(1, 2, 3)'), { r: 1, g: 2, b: 3, a: 1 });
      assert.deepStrictEqual(parseColor('rgba(1, 2, 3, 0.5)'), { r: 1, g: 2, b: 3, a: 0.5 });
      assert.deepStrictEqual(parseColor('rgb(1 2 3 / 50%)'), { r: 1, g: 2, b: 3, a: 0.5 });
      for (const bad of ['', 'red', 'var(--x)', '#12345', 'rgb(1, 2)', 'rgb(1,2,3);x', '#fff;}', undefined]) assert.strictEqual(parseColor(bad), undefined, String(bad));
    });
  });
});
