// Unit tests (node, mocha): tree formatting of executions — statuses, durations, times, and the escaping of
// untrusted names for labels and Markdown tooltips.
import * as assert from 'assert';
import { displayStatus, durationMs, escapeMarkdown, formatDuration, labelText, STATUS_ICONS } from '../../../src/extension/executions/format';

describe('executions format', () => {
  it('maps API and local statuses; unknown stays visible', () => {
    assert.strictEqual(displayStatus('SUCCEEDED'), 'SUCCEEDED');
    assert.strictEqual(displayStatus('TIMED_OUT'), 'TIMED_OUT');
    assert.strictEqual(displayStatus('waiting'), 'WAITING');
    assert.strictEqual(displayStatus('running'), 'RUNNING');
    assert.strictEqual(displayStatus(42), 'UNKNOWN');
    assert.ok(STATUS_ICONS.FAILED.icon && STATUS_ICONS.FAILED.color);
  });

  it('formats durations at every scale', () => {
    assert.strictEqual(formatDuration(850), '850 ms');
    assert.strictEqual(formatDuration(1234), '1.2 s');
    assert.strictEqual(formatDuration(42_000), '42 s');
    assert.strictEqual(formatDuration(245_000), '4 min 05 s');
    assert.strictEqual(formatDuration(2 * 3600_000 + 3 * 60_000), '2 h 03 min');
    assert.strictEqual(formatDuration(undefined), '');
    assert.strictEqual(formatDuration(-5), '');
  });

  it('computes durations from epoch seconds, ISO strings and Dates; live ones run to now', () => {
    assert.strictEqual(durationMs(1_700_000_000, 1_700_000_002), 2000);
    assert.strictEqual(durationMs('2026-01-01T00:00:00Z', new Date('2026-01-01T00:00:01.5Z')), 1500);
    assert.strictEqual(durationMs(new Date(1000), undefined, 4000), 3000);
    assert.strictEqual(durationMs(undefined, 1), undefined);
  });

  it('labels: one line, no bidi overrides, cut', () => {
    assert.strictEqual(labelText('a\nb\r\nc\u0007d'), 'a b c d');
    assert.strictEqual(labelText('evil\u202Egnp.exe'), 'evilgnp.exe');
    assert.strictEqual(labelText('x'.repeat(200), 10).length, 10);
    assert.strictEqual(labelText(undefined), '');
  });

  it('Markdown: hostile text cannot become a link, image, HTML or code', () => {
    const hostile = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold** `code` https://evil.example & ![i](x)';
    const md = escapeMarkdown(hostile);
    assert.ok(!md.includes('<'), md);
    assert.ok(!/(^|[^\\])\[/.test(md), md);
    assert.ok(!/(^|[^\\])`/.test(md), md);
    assert.ok(!/(^|[^\\])\*/.test(md), md);
    assert.ok(md.includes('https\\://'), md);
    assert.ok(md.includes('&amp;'), md);
    assert.strictEqual(escapeMarkdown('line1\nline2'), 'line1  \nline2');
  });
});
