// Runs anywhere (pure, no vscode): the Lambda functions of a SAM/CloudFormation template (YAML with the
// `!Ref`/`!GetAtt`/`!Sub`… short forms, or JSON), with Globals applied, as FunctionSource candidates.
import * as yaml from 'js-yaml';
import * as path from 'path';
import { escapeRegExp, handlerCandidates, SourceLinkError, type FunctionSource } from './sourceLink';

/** CloudFormation's short-form intrinsic functions, read as their long form (`!Ref X` -> `{Ref: 'X'}`). */
const INTRINSICS = ['Ref', 'Condition', 'Sub', 'GetAtt', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'Select', 'Split', 'FindInMap', 'ImportValue', 'Base64', 'Cidr', 'GetAZs', 'Transform', 'Length', 'ToJsonString'];

const CFN_SCHEMA = yaml.DEFAULT_SCHEMA.extend(
  INTRINSICS.flatMap((fn) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) =>
        new yaml.Type(`!${fn}`, {
          kind,
          construct: (data: unknown) => {
            if (fn === 'Ref' || fn === 'Condition') return { [fn]: data };
            // `!GetAtt Res.Attr` is the string form of ['Res', 'Attr'].
            if (fn === 'GetAtt' && typeof data === 'string') {
              const dot = data.indexOf('.');
              return { 'Fn::GetAtt': dot > 0 ? [data.slice(0, dot), data.slice(dot + 1)] : [data] };
            }
            return { [`Fn::${fn}`]: data ?? '' };
          },
        })
    )
  )
);

/** Parses template text: YAML (which also reads JSON) with the CloudFormation tags. */
export function parseTemplateText(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: CFN_SCHEMA, filename: file });
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number }; message?: string };
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    throw new SourceLinkError('bad-yaml', `${path.basename(file)} is not valid YAML${where}: ${e.reason ?? e.message ?? String(err)}`, file);
  }
  if (!isRecord(doc) || !isRecord(doc.Resources)) {
    throw new SourceLinkError('not-a-template', `${path.basename(file)} has no Resources section: not a SAM or CloudFormation template`, file);
  }
  return doc;
}

/** The Node.js functions of a SAM template, Globals.Function applied, with their candidate handler files. */
export function parseSamTemplate(text: string, templateFile: string): FunctionSource[] {
  const doc = parseTemplateText(text, templateFile);
  const templateDir = path.dirname(templateFile);
  const globals = isRecord(doc.Globals) && isRecord(doc.Globals.Function) ? doc.Globals.Function : {};
  const out: FunctionSource[] = [];
  for (const [logicalId, res] of Object.entries(doc.Resources as Record<string, unknown>)) {
    if (!isRecord(res)) continue;
    const type = res.Type;
    if (type !== 'AWS::Serverless::Function' && type !== 'AWS::Lambda::Function') continue;
    const props = isRecord(res.Properties) ? res.Properties : {};
    const serverless = type === 'AWS::Serverless::Function';
    const get = (key: string): unknown => (props[key] !== undefined ? props[key] : serverless ? globals[key] : undefined);
    const runtime = get('Runtime');
    if (typeof runtime === 'string' && !runtime.startsWith('nodejs')) continue;
    const handler = get('Handler');
    if (typeof handler !== 'string' || !handler.trim()) continue;
    // CodeUri may be an S3 location (object) or an intrinsic: then only the template's own folder is a guess.
    const codeUri = serverless ? get('CodeUri') : undefined;
    const codeDir = typeof codeUri === 'string' && !/^s3:\/\//.test(codeUri) ? path.resolve(templateDir, codeUri) : templateDir;
    const meta = isRecord(res.Metadata) ? res.Metadata : {};
    const build = isRecord(meta.BuildProperties) ? meta.BuildProperties : {};
    const entryPoints = Array.isArray(build.EntryPoints) ? build.EntryPoints.filter((e): e is string => typeof e === 'string').map((e) => path.resolve(codeDir, e)) : [];
    const { files, exportName } = handlerCandidates(codeDir, handler, entryPoints);
    out.push({ origin: 'sam', definedIn: templateFile, logicalId, handler, files, exportName, ...functionNameOf(props.FunctionName) });
  }
  return out;
}

/** A literal FunctionName, or a `!Sub` string as a pattern (its `${…}` parts match anything). */
export function functionNameOf(value: unknown): { functionName?: string; functionNamePattern?: string } {
  if (typeof value === 'string') return { functionName: value };
  if (isRecord(value)) {
    const sub = value['Fn::Sub'];
    const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    if (text !== undefined) return { functionNamePattern: text.split(/\$\{[^}]*\}/).map(escapeRegExp).join('.+') };
  }
  return {};
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
