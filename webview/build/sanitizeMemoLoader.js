// Runs in webpack (build time, webview bundles): patches the prebuilt min builds of mermaid and of
// @mermaid-js/layout-elk (which carries its own copy) so that mermaid's sanitizeText remembers its answers.
//
// Why: with securityLevel 'strict' mermaid passes every label through DOMPurify twice per use (sanitizeMore,
// then sanitize with FORBID_TAGS), and a label is sanitised several times per draw (the parser, the node
// renderer, the label measurer). Each DOMPurify call parses its configuration again and builds a DOM for any
// text with a `<`; in a CPU profile of a 132-node draw that was the largest single cost after the layout.
// A redraw after a keystroke sanitises the same labels again, so answers are remembered per text.
//
// Safe because the answer is a function of the text and the configuration only: DOMPurify keeps no state
// between calls apart from its hooks, which mermaid installs once (before its first sanitize) and never
// changes; the cache is used only without a custom dompurifyConfig and is keyed by the security level and
// the htmlLabels setting (the two settings sanitizeText reads). The output is what DOMPurify returned.
//
// Pinned to the exact minified code of mermaid 11.17.2 and @mermaid-js/layout-elk 0.2.3: on other text the
// build fails, so an upgrade must re-check sanitizeText and update (or drop) this patch.
'use strict';

const path = require('path');

const TARGETS = [
  {
    pkg: 'mermaid',
    version: '11.17.2',
    file: 'chunk-QJSWEUOL.mjs',
    original: 'Tt=s((i,t)=>i&&(t.dompurifyConfig?',
    patched: 'Tt=s(__dlRememberSanitized((i,t)=>i&&(t.dompurifyConfig?',
    close: ['(i,t),{FORBID_TAGS:["style"]}).toString(),i),"sanitizeText")', '(i,t),{FORBID_TAGS:["style"]}).toString(),i)),"sanitizeText")'],
  },
  {
    pkg: '@mermaid-js/layout-elk',
    version: '0.2.3',
    file: 'chunk-PI4FTPSL.mjs',
    original: 'Wt=C((t,i)=>t&&(i.dompurifyConfig?',
    patched: 'Wt=C(__dlRememberSanitized((t,i)=>t&&(i.dompurifyConfig?',
    close: ['(t,i),{FORBID_TAGS:["style"]}).toString(),t),"sanitizeText")', '(t,i),{FORBID_TAGS:["style"]}).toString(),t)),"sanitizeText")'],
  },
];

const HELPER = `
function __dlRememberSanitized(sanitizeText) {
  var answers = new Map();
  return function (text, config) {
    if (typeof text !== 'string' || !config || config.dompurifyConfig) return sanitizeText(text, config);
    var html = config.htmlLabels !== undefined ? config.htmlLabels : config.flowchart ? config.flowchart.htmlLabels : undefined;
    var key = String(config.securityLevel) + '\\u0000' + String(html) + '\\u0000' + text;
    var answer = answers.get(key);
    if (answer === undefined) {
      answer = sanitizeText(text, config);
      if (answers.size >= 20000) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}
`;

function once(source, text, where) {
  const hits = source.split(text).length - 1;
  if (hits !== 1) throw new Error(`webview/build/sanitizeMemoLoader.js: expected ${JSON.stringify(text.slice(0, 40))}… exactly once in ${where}, found it ${hits} times`);
}

function sanitizeMemoLoader(source) {
  const target = TARGETS.find((t) => path.basename(this.resourcePath) === t.file);
  if (!target) throw new Error(`webview/build/sanitizeMemoLoader.js: no patch for ${this.resourcePath}`);
  const version = require(`${target.pkg}/package.json`).version;
  if (version !== target.version) {
    throw new Error(`webview/build/sanitizeMemoLoader.js is pinned to ${target.pkg} ${target.version} but ${version} is installed: re-check sanitizeText and update or drop the patch`);
  }
  once(source, target.original, this.resourcePath);
  once(source, target.close[0], this.resourcePath);
  // Function declarations are hoisted, so the helper exists before the chunk's code runs.
  return `${source.replace(target.original, target.patched).replace(target.close[0], target.close[1])}\n${HELPER}`;
}

module.exports = sanitizeMemoLoader;
