// Runs in webpack (build time, webview bundles): patches the prebuilt min builds of mermaid and of
// @mermaid-js/layout-elk (which carries its own copy of mermaid's config module) so that getConfig() stops
// deep-copying the whole configuration on every call.
//
// Why: getConfig() is `assignWithDepth({}, currentConfig)`: a 3-level copy of every diagram type's settings
// and ~200 theme variables, one Object.defineProperty per key. Drawing calls it for every node, edge and
// label (sanitizeText reads it too). CPU profiles: in layout-elk's copy ~1.1 s of a ~3.8 s 300-node draw
// (23% of samples, self time); in mermaid's own copy, after that fix, ~6% of a 300-node draw.
// The patch copies once per configuration object: mermaid replaces `currentConfig` (never mutates it) on
// every change (initialize, setConfig, directives, reset: updateCurrentConfig builds a new object), so the
// copy stays right until the next change. Each call still gets its own top-level object (`{...copy}`),
// because callers do write into the top level: syncElkPackageConfig passes a config to setConfig, whose
// sanitize deletes the secure keys from it. Nested writes are checked for by building with
// DL_CHECK_CONFIG_COPY=1, which compares a JSON snapshot of the cached copy on every call and throws on a
// difference: the webview e2e tests and the render benchmark ran clean with it.
//
// Pinned to the exact minified code of mermaid 11.17.2 and @mermaid-js/layout-elk 0.2.3: on other text the
// build fails, so an upgrade must re-check the hot spot and update (or drop) this patch.
'use strict';

const path = require('path');

const TARGETS = [
  { pkg: '@mermaid-js/layout-elk', version: '0.2.3', file: 'chunk-PI4FTPSL.mjs', setName: 'C', copy: 'V', current: 'Zt', getter: 'tr' },
  { pkg: 'mermaid', version: '11.17.2', file: 'chunk-QJSWEUOL.mjs', setName: 's', copy: 'j', current: 'Vt', getter: 'Kt' },
];

const CHECK = process.env.DL_CHECK_CONFIG_COPY === '1';

function configCopyLoader(source) {
  const t = TARGETS.find((x) => path.basename(this.resourcePath) === x.file);
  if (!t) throw new Error(`webview/build/configCopyLoader.js: no patch for ${this.resourcePath}`);
  const version = require(`${t.pkg}/package.json`).version;
  if (version !== t.version) {
    throw new Error(`webview/build/configCopyLoader.js is pinned to ${t.pkg} ${t.version} but ${version} is installed: re-check the getConfig hot spot and update or drop the patch`);
  }
  const original = `${t.getter}=${t.setName}(()=>${t.copy}({},${t.current}),"getConfig")`;
  const hits = source.split(original).length - 1;
  if (hits !== 1) throw new Error(`webview/build/configCopyLoader.js: expected the getConfig code exactly once in ${this.resourcePath}, found it ${hits} times`);
  const fresh = `(__dlConfigCopy=${t.copy}({},__dlConfigOf=${t.current}),${CHECK ? '__dlConfigJson=JSON.stringify(__dlConfigCopy),' : ''}__dlConfigCopy)`;
  const check = CHECK ? `(JSON.stringify(__dlConfigCopy)!==__dlConfigJson&&__dlConfigBroken()),` : '';
  const patched = `${t.getter}=${t.setName}(()=>({...(${t.current}===__dlConfigOf?(${check}__dlConfigCopy):${fresh})}),"getConfig")`;
  const helpers = `var __dlConfigOf, __dlConfigCopy${CHECK ? ', __dlConfigJson' : ''};\n${CHECK ? `function __dlConfigBroken(){throw new Error('configCopyLoader: the cached getConfig copy was written to (${t.pkg})');}\n` : ''}`;
  // `var` and function declarations are hoisted, so they exist before getConfig first runs (ESM is strict).
  return `${source.replace(original, patched)}\n${helpers}`;
}

module.exports = configCopyLoader;
