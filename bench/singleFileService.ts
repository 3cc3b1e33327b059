// Benchmarks (node): an in-process LanguageService over one edited file (the rest read from disk), the way the
// tsserver overhead benches compare the plugin against plain TypeScript without a tsserver process in between.
import * as fs from 'fs';
import type * as ts from 'typescript';

export interface SingleFileService {
  readonly ls: ts.LanguageService;
  /** Replaces the file's text (a new version, as an editor's keystroke makes). */
  edit(text: string): void;
}

export function singleFileService(tsm: typeof ts, file: string, dir: string, initial: string): SingleFileService {
  let content = initial;
  let version = 0;
  const options: ts.CompilerOptions = { target: tsm.ScriptTarget.ES2022, module: tsm.ModuleKind.Node16, moduleResolution: tsm.ModuleResolutionKind.Node16, strict: true, skipLibCheck: true, types: ['node'], noEmit: true };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [file],
    getScriptVersion: (f) => (f === file ? String(version) : '0'),
    getScriptSnapshot: (f) => (f === file ? tsm.ScriptSnapshot.fromString(content) : fs.existsSync(f) ? tsm.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => tsm.getDefaultLibFilePath(o),
    fileExists: (f) => f === file || tsm.sys.fileExists(f),
    readFile: (f) => (f === file ? content : tsm.sys.readFile(f)),
    readDirectory: tsm.sys.readDirectory,
    directoryExists: tsm.sys.directoryExists,
    getDirectories: tsm.sys.getDirectories,
  };
  return {
    ls: tsm.createLanguageService(host),
    edit: (text) => {
      content = text;
      version++;
    },
  };
}
