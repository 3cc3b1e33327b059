// Runs in node (unit tier): the shared IPC message guards and types every panel's host and webview rely on.
import * as assert from 'assert';
import {
  IpcCommandType,
  IpcNotificationType,
  IpcRequestType,
  isIpcMessage,
  isIpcNotification,
  isIpcRequest,
  isIpcResponse,
  toIpcError,
} from '../../../src/extension/shared/ipc';
import { contentSecurityPolicy, webviewHtml } from '../../../src/extension/shared/html';

describe('executionView: shared IPC', () => {
  it('recognises requests only with a numeric id and a method', () => {
    assert.strictEqual(isIpcRequest({ type: 'request', id: 1, method: 'snapshot', params: {} }), true);
    assert.strictEqual(isIpcRequest({ type: 'request', id: '1', method: 'snapshot' }), false);
    assert.strictEqual(isIpcRequest({ type: 'request', id: 1.5, method: 'snapshot' }), false);
    assert.strictEqual(isIpcRequest({ type: 'request', id: 2 }), false);
    assert.strictEqual(isIpcRequest({ type: 'response', id: 2, method: 'x' }), false);
  });

  it('recognises responses, and refuses an error without a reason and message', () => {
    assert.strictEqual(isIpcResponse({ type: 'response', id: 3, result: { ok: true } }), true);
    assert.strictEqual(isIpcResponse({ type: 'response', id: 3, error: { reason: 'timeout', message: 'late' } }), true);
    assert.strictEqual(isIpcResponse({ type: 'response', id: 3, error: 'boom' }), false);
    assert.strictEqual(isIpcResponse({ type: 'response', id: 3, error: { message: 'no reason' } }), false);
    assert.strictEqual(isIpcResponse({ type: 'response' }), false);
  });

  it('treats anything else with a string type as a notification, and junk as nothing', () => {
    assert.strictEqual(isIpcNotification({ type: 'view', seq: 1 }), true);
    assert.strictEqual(isIpcNotification({ type: 'request', id: 1, method: 'm' }), false);
    for (const junk of [null, undefined, 'ready', 42, [], { type: 7 }, { kind: 'ready' }]) {
      assert.strictEqual(isIpcMessage(junk), false, JSON.stringify(junk));
      assert.strictEqual(isIpcNotification(junk), false);
    }
  });

  it('builds and recognises typed notifications, commands and requests', () => {
    const view = new IpcNotificationType<{ seq: number }>('view');
    const msg = view.create({ seq: 4 });
    assert.deepStrictEqual(msg, { type: 'view', seq: 4 });
    assert.ok(view.is(msg));
    assert.ok(!view.is({ type: 'views', seq: 4 }));
    // A params object cannot overwrite the type on the wire.
    assert.strictEqual(new IpcCommandType<{ type?: string }>('refresh').create({ type: 'stop' }).type, 'refresh');
    const snapshot = new IpcRequestType<'snapshot', Record<string, never>, { seq: number }>('snapshot');
    const req = snapshot.create(9, {});
    assert.deepStrictEqual(req, { type: 'request', id: 9, method: 'snapshot', params: {} });
    assert.ok(snapshot.is(req));
    assert.ok(!snapshot.is({ ...req, method: 'export' }));
  });

  it('turns thrown values into the error half of a response, keeping a reason', () => {
    assert.deepStrictEqual(toIpcError(Object.assign(new Error('gone'), { reason: 'disposed' })), { reason: 'disposed', message: 'gone' });
    assert.deepStrictEqual(toIpcError(new Error('plain')), { reason: 'failed', message: 'plain' });
    assert.deepStrictEqual(toIpcError('text'), { reason: 'failed', message: 'text' });
    assert.deepStrictEqual(toIpcError(null), { reason: 'failed', message: 'null' });
  });
});

describe('executionView: webview HTML shell', () => {
  it('allows scripts only with the nonce, never eval, and styles only from the bundle unless asked', () => {
    const csp = contentSecurityPolicy({ cspSource: 'https://x.vscode-cdn.net' }, 'abc123');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(contentSecurityPolicy({ cspSource: 's', inlineStyles: true }, 'n'), /style-src s 'unsafe-inline'/);
  });

  it('escapes every value it writes into the page', () => {
    const html = webviewHtml({ cspSource: 's', scriptUri: 'https://a/"><script>alert(1)</script>', styleUri: 'https://b/c.css', title: '<img src=x onerror=alert(1)>', nonce: 'n1' });
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.strictEqual((html.match(/<script /g) ?? []).length, 1);
    assert.match(html, /<script nonce="n1" src=/);
  });
});
