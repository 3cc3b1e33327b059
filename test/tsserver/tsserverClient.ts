// Test helper (node): forks the project's real tsserver with the built plugin and speaks its protocol
// (JSON requests on stdin, Content-Length framed responses and events on stdout).
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const TSSERVER = path.join(REPO_ROOT, 'node_modules', 'typescript', 'lib', 'tsserver.js');

export interface Location {
  line: number;
  offset: number;
}

export interface ProtocolDiagnostic {
  start: Location;
  end: Location;
  text: string;
  code: number;
  category: string;
  source?: string;
}

export interface CodeFix {
  fixName: string;
  description: string;
  changes: { fileName: string; textChanges: { start: Location; end: Location; newText: string }[] }[];
}

interface Pending {
  resolve: (body: unknown) => void;
  reject: (e: Error) => void;
  command: string;
}

export class TsServer {
  private readonly proc: ChildProcess;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  readonly logFile: string;

  constructor(options: { globalPlugin?: boolean } = {}) {
    this.logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tsserver-')), 'tsserver.log');
    const args = [
      '--disableAutomaticTypingAcquisition',
      '--suppressDiagnosticEvents',
      '--pluginProbeLocations',
      REPO_ROOT,
      '--logVerbosity',
      'normal',
      '--logFile',
      this.logFile,
    ];
    if (options.globalPlugin !== false) args.unshift('--globalPlugins', 'durable-lens-tsplugin');
    this.proc = fork(TSSERVER, args, { silent: true, cwd: REPO_ROOT });
    this.proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`tsserver exited during ${p.command}`));
      this.pending.clear();
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('utf8'));
      if (!m) throw new Error('tsserver: bad frame header');
      const len = Number(m[1]);
      const bodyStart = headerEnd + 4;
      if (this.buffer.length < bodyStart + len) return;
      const msg = JSON.parse(this.buffer.subarray(bodyStart, bodyStart + len).toString('utf8')) as {
        type: string;
        request_seq?: number;
        success?: boolean;
        message?: string;
        body?: unknown;
      };
      this.buffer = this.buffer.subarray(bodyStart + len);
      if (msg.type === 'response' && msg.request_seq !== undefined) {
        const p = this.pending.get(msg.request_seq);
        if (!p) continue;
        this.pending.delete(msg.request_seq);
        if (msg.success) p.resolve(msg.body);
        else p.reject(new Error(`tsserver ${p.command} failed: ${msg.message}`));
      }
    }
  }

  request<T>(command: string, args?: unknown, timeoutMs = 30000): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`tsserver ${command} timed out`));
      }, timeoutMs);
      this.pending.set(seq, {
        command,
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.stdin!.write(JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n');
    });
  }

  /** Requests without a response (open, change, close): follow them by a request that has one. */
  notify(command: string, args: unknown): void {
    this.proc.stdin!.write(JSON.stringify({ seq: ++this.seq, type: 'request', command, arguments: args }) + '\n');
  }

  open(file: string, content?: string): void {
    this.notify('open', { file, ...(content !== undefined ? { fileContent: content } : {}) });
  }

  semanticDiagnostics(file: string, timeoutMs?: number): Promise<ProtocolDiagnostic[]> {
    return this.request<ProtocolDiagnostic[]>('semanticDiagnosticsSync', { file }, timeoutMs);
  }

  codeFixes(file: string, d: ProtocolDiagnostic): Promise<CodeFix[]> {
    return this.request<CodeFix[]>('getCodeFixes', {
      file,
      startLine: d.start.line,
      startOffset: d.start.offset,
      endLine: d.end.line,
      endOffset: d.end.offset,
      errorCodes: [d.code],
    });
  }

  configurePlugin(configuration: unknown): Promise<unknown> {
    return this.request('configurePlugin', { pluginName: 'durable-lens-tsplugin', configuration });
  }

  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.notify('exit', {});
    const t = setTimeout(() => this.proc.kill(), 3000);
    await exited;
    clearTimeout(t);
  }
}

/** Applies protocol text changes (1-based line/offset) to a text. */
export function applyTextChanges(text: string, changes: { start: Location; end: Location; newText: string }[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const pos = (l: Location) => lineStarts[l.line - 1] + l.offset - 1;
  const sorted = [...changes].sort((a, b) => pos(b.start) - pos(a.start));
  let out = text;
  for (const c of sorted) out = out.slice(0, pos(c.start)) + c.newText + out.slice(pos(c.end));
  return out;
}
