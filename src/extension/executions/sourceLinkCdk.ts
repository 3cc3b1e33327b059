// Runs anywhere (pure, no vscode; files read through a callback): the Lambda functions of a CDK cloud assembly
// (`cdk.out/manifest.json`, its stack templates, the asset folders and their source maps) as FunctionSource
// candidates pointing back at the TypeScript the assets were bundled from.
import * as path from 'path';
import { handlerCandidates, HANDLER_EXTENSIONS, SourceLinkError, type FunctionSource } from './sourceLink';
import { functionNameOf, isRecord } from './sourceLinkSam';

export type ReadFile = (file: string) => string | undefined;

/** Functions of every stack in the assembly (nested assemblies, e.g. CDK stages, one level down each). */
export function parseCdkAssembly(cdkOutDir: string, readFile: ReadFile, depth = 0): FunctionSource[] {
  const manifestFile = path.join(cdkOutDir, 'manifest.json');
  const text = readFile(manifestFile);
  if (text === undefined) return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (err) {
    throw new SourceLinkError('bad-json', `${manifestFile} is not valid JSON: ${(err as Error).message}`, manifestFile);
  }
  if (!isRecord(manifest) || !isRecord(manifest.artifacts)) return [];
  const out: FunctionSource[] = [];
  for (const artifact of Object.values(manifest.artifacts)) {
    if (!isRecord(artifact) || !isRecord(artifact.properties)) continue;
    if (artifact.type === 'aws:cloudformation:stack' && typeof artifact.properties.templateFile === 'string') {
      const templateFile = path.resolve(cdkOutDir, artifact.properties.templateFile);
      const templateText = readFile(templateFile);
      if (templateText !== undefined) out.push(...parseCdkTemplate(templateText, templateFile, cdkOutDir, readFile));
    } else if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties.directoryName === 'string' && depth < 3) {
      out.push(...parseCdkAssembly(path.resolve(cdkOutDir, artifact.properties.directoryName), readFile, depth + 1));
    }
  }
  return out;
}

/** The AWS::Lambda::Function resources of one synthesized template. */
export function parseCdkTemplate(text: string, templateFile: string, cdkOutDir: string, readFile: ReadFile): FunctionSource[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SourceLinkError('bad-json', `${templateFile} is not valid JSON: ${(err as Error).message}`, templateFile);
  }
  if (!isRecord(doc) || !isRecord(doc.Resources)) return [];
  const out: FunctionSource[] = [];
  for (const [logicalId, res] of Object.entries(doc.Resources)) {
    if (!isRecord(res) || res.Type !== 'AWS::Lambda::Function') continue;
    const props = isRecord(res.Properties) ? res.Properties : {};
    const meta = isRecord(res.Metadata) ? res.Metadata : {};
    const handler = props.Handler;
    const runtime = props.Runtime;
    if (typeof handler !== 'string' || (typeof runtime === 'string' && !runtime.startsWith('nodejs'))) continue;
    const assetPath = meta['aws:asset:path'];
    if (typeof assetPath !== 'string') continue; // inline code or an image: nothing in the workspace to open
    const assetDir = path.resolve(cdkOutDir, assetPath);
    const bundled = handlerCandidates(assetDir, handler);
    // NodejsFunction bundles with esbuild: the source map (when enabled) names the TypeScript entry.
    const original = bundled.files.flatMap((f) => sourcesFromMap(f, readFile));
    out.push({
      origin: 'cdk',
      definedIn: templateFile,
      logicalId,
      handler,
      files: [...original, ...bundled.files.filter((f) => HANDLER_EXTENSIONS.some((e) => f.endsWith(e)))],
      exportName: bundled.exportName,
      ...functionNameOf(props.FunctionName),
    });
  }
  return out;
}

/** The workspace sources listed in `<bundle>.map`, entry-looking ones (not node_modules) first. */
function sourcesFromMap(bundleFile: string, readFile: ReadFile): string[] {
  const text = readFile(`${bundleFile}.map`);
  if (text === undefined) return [];
  try {
    const map = JSON.parse(text) as { sources?: unknown; sourceRoot?: unknown };
    if (!Array.isArray(map.sources)) return [];
    const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
    const own = map.sources
      .filter((s): s is string => typeof s === 'string' && !/node_modules|^webpack:|^\s*$/.test(s))
      .map((s) => path.resolve(path.dirname(bundleFile), root, s.replace(/^file:\/\//, '')));
    // esbuild lists the entry last among the project's own files.
    return own.reverse();
  } catch {
    return []; // a broken map only loses the shortcut; the bundle itself is still a candidate
  }
}
