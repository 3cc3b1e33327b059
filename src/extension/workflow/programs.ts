// Runs in the extension host: a light ts.Program per panel for workflow inference — the open document
// (its live text) and the workspace files it imports, no lib and no node_modules, rebuilt incrementally
// (unchanged files keep their SourceFile, so core's per-file caches carry over from one keystroke to the next).
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { TS } from '../../core/analysis/model';

/** Text of files open in the editor (unsaved edits included), by file name. */
export interface OpenDocuments {
  get(fileName: string): { readonly text: string; readonly version: number } | undefined;
}

interface CachedFile {
  readonly version: string;
  readonly sourceFile: ts.SourceFile;
  /** When the file's mtime was last compared (files on disk only). */
  checkedAt: number;
}

/**
 * A file on disk is stat-ed again at most this often. createProgram asks the host for every file of the old
 * Program on each rebuild; without this a keystroke would cost one stat per imported file (the project, not
 * the edit). An edit on disk by another program shows within this delay; edits in the editor at once.
 */
export const DISK_RECHECK_MS = 1000;

/**
 * Builds Programs cheaply enough to rebuild on every keystroke: source files are cached by version
 * (document version for open files, mtime for files on disk) and the previous Program is passed as
 * oldProgram. Imports into node_modules and the default library are left out on purpose: the core
 * recognises the SDK by import specifier, and following the SDK's types pulled ~600 declaration files
 * (over a second per rebuild); the user's own files are what helpers live in.
 */
export class LightPrograms {
  private readonly files = new Map<string, CachedFile>();
  private readonly options: ts.CompilerOptions;
  private readonly host: ts.CompilerHost;
  private readonly resolutionCache: ts.ModuleResolutionCache;
  private last: ts.Program | undefined;

  constructor(
    private readonly tsm: TS,
    private readonly open: OpenDocuments,
    currentDirectory: string
  ) {
    this.options = {
      target: tsm.ScriptTarget.ES2022,
      module: tsm.ModuleKind.ESNext,
      moduleResolution: tsm.ModuleResolutionKind.Bundler,
      allowJs: true,
      checkJs: false,
      jsx: tsm.JsxEmit.Preserve,
      noEmit: true,
      noLib: true,
      types: [],
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      maxNodeModuleJsDepth: 0,
    };
    const sys = tsm.sys;
    const canonical = (f: string) => (sys.useCaseSensitiveFileNames ? f : f.toLowerCase());
    this.resolutionCache = tsm.createModuleResolutionCache(currentDirectory, canonical, this.options);
    this.host = {
      getSourceFile: (fileName, languageVersion) => this.sourceFile(fileName, languageVersion),
      getDefaultLibFileName: (o) => tsm.getDefaultLibFilePath(o),
      writeFile: () => undefined,
      getCurrentDirectory: () => currentDirectory,
      getCanonicalFileName: canonical,
      useCaseSensitiveFileNames: () => sys.useCaseSensitiveFileNames,
      getNewLine: () => '\n',
      fileExists: (f) => this.open.get(f) !== undefined || sys.fileExists(f),
      readFile: (f) => this.open.get(f)?.text ?? sys.readFile(f),
      directoryExists: (d) => sys.directoryExists(d),
      getDirectories: (d) => sys.getDirectories(d),
      realpath: sys.realpath ? (p) => sys.realpath!(p) : undefined,
      resolveModuleNameLiterals: (literals, containingFile, redirected, options) =>
        literals.map((lit) => {
          const r = tsm.resolveModuleName(lit.text, containingFile, options, this.host, this.resolutionCache, redirected);
          // Packages are recognised by specifier; their declaration files are not read.
          if (!r.resolvedModule || r.resolvedModule.isExternalLibraryImport || /[\\/]node_modules[\\/]/.test(r.resolvedModule.resolvedFileName)) {
            return { resolvedModule: undefined };
          }
          return r;
        }),
    };
  }

  /** The Program for `fileName` with its current text; cheap when little changed since the last call. */
  programFor(fileName: string): { program: ts.Program; sourceFile: ts.SourceFile } {
    const program = this.tsm.createProgram({ rootNames: [fileName], options: this.options, host: this.host, oldProgram: this.last });
    this.last = program;
    const sourceFile = program.getSourceFile(fileName);
    if (!sourceFile) throw Object.assign(new Error(`cannot read ${fileName}`), { reason: 'unreadable' });
    return { program, sourceFile };
  }

  /** Whether a file is part of the last Program (so an edit to it changes the diagram). */
  includes(fileName: string): boolean {
    return this.last?.getSourceFile(fileName) !== undefined;
  }

  private sourceFile(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile | undefined {
    const doc = this.open.get(fileName);
    let version: string;
    let text: string | undefined;
    const now = Date.now();
    if (doc) {
      version = `doc:${doc.version}:${doc.text.length}`;
      const cached = this.files.get(fileName);
      if (cached && cached.version === version) return cached.sourceFile;
      text = doc.text;
    } else {
      const recent = this.files.get(fileName);
      if (recent && recent.version.startsWith('fs:') && now - recent.checkedAt < DISK_RECHECK_MS) return recent.sourceFile;
      let mtime: number;
      try {
        mtime = fs.statSync(fileName).mtimeMs;
      } catch {
        return undefined;
      }
      version = `fs:${mtime}`;
      const cached = this.files.get(fileName);
      if (cached && cached.version === version) {
        cached.checkedAt = now;
        return cached.sourceFile;
      }
      try {
        text = fs.readFileSync(fileName, 'utf8');
      } catch {
        return undefined;
      }
    }
    const sourceFile = this.tsm.createSourceFile(fileName, text, languageVersion, true, scriptKind(this.tsm, fileName));
    this.files.set(fileName, { version, sourceFile, checkedAt: now });
    return sourceFile;
  }
}

function scriptKind(tsm: TS, fileName: string): ts.ScriptKind {
  switch (path.extname(fileName).toLowerCase()) {
    case '.tsx':
      return tsm.ScriptKind.TSX;
    case '.jsx':
      return tsm.ScriptKind.JSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return tsm.ScriptKind.JS;
    default:
      return tsm.ScriptKind.TS;
  }
}
