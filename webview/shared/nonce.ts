// Runs in a webview, imported first by each panel entry: lets webpack's lazily loaded chunks (mermaid
// loads each diagram type on demand) pass the CSP by giving their <script> tags our page's nonce.
declare let __webpack_nonce__: string | undefined;

// document.currentScript is only set while the bundle's top level runs, which is when this executes.
const script = document.currentScript as HTMLScriptElement | null;
if (script && script.nonce) __webpack_nonce__ = script.nonce;

export const scriptNonce: string | undefined = script?.nonce || undefined;
