// Runs in webpack (build time, webview bundles): patches @mermaid-js/layout-elk's prebuilt min build so its
// bundled copy of mermaid's getConfig() stops deep-copying the whole configuration on every call.
//
// Why: layout-elk carries its own copy of mermaid's config module, whose getConfig() is
// `assignWithDepth({}, currentConfig)`: a 3-level copy of every diagram type's settings and ~200 theme
// variables, one Object.defineProperty per key. The ELK layout calls it for every node and edge; a CPU
// profile of a 300-node graph put ~1.1 s of a ~3.8 s render (23% of samples, self time) in that copy.
// The patch copies once per configuration object: mermaid replaces `currentConfig` (never mutates it) on
// every change (initialize, setConfig, directives, reset), so the copy stays right until the next change.
// Each call still gets its own top-level object (`{...copy}`), because callers do write into the top level:
// syncElkPackageConfig passes a config to setConfig, whose sanitize deletes the secure keys from it.
// Nested writes were checked for by rendering with a JSON snapshot of the cached copy compared on every
// call (ELK, 300 nodes): none.
//
// Pinned to the exact minified code of @mermaid-js/layout-elk 0.2.3: on other text the build fails, so an
// upgrade must re-check the hot spot and update (or drop) this patch.
'use strict';

const ELK_VERSION = '0.2.3';
const ORIGINAL = 'tr=C(()=>V({},Zt),"getConfig")';
const PATCHED = 'tr=C(()=>({...(Zt===__dlConfigOf?__dlConfigCopy:(__dlConfigCopy=V({},__dlConfigOf=Zt)))}),"getConfig")';

function elkConfigLoader(source) {
  const version = require('@mermaid-js/layout-elk/package.json').version;
  if (version !== ELK_VERSION) {
    throw new Error(`webview/build/elkConfigLoader.js is pinned to @mermaid-js/layout-elk ${ELK_VERSION} but ${version} is installed: re-check the getConfig hot spot and update or drop the patch`);
  }
  const hits = source.split(ORIGINAL).length - 1;
  if (hits !== 1) {
    throw new Error(`webview/build/elkConfigLoader.js: expected the getConfig code exactly once in ${this.resourcePath}, found it ${hits} times`);
  }
  // `var` is hoisted, so the cache variables exist before getConfig first runs (ESM is strict mode).
  return `${source.replace(ORIGINAL, PATCHED)}\nvar __dlConfigOf, __dlConfigCopy;\n`;
}

module.exports = elkConfigLoader;
