// Runs in node (unit tier): where the execution-view tests find recorded histories — the 49 shared AWS example
// histories (same lookup as test/support/lambdaServer.ts) and the repository's own under test/fixtures.
import * as fs from 'fs';
import * as path from 'path';
import { parseHistoryText, type HistoryEvent } from '../../../src/core/history/events';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export function sharedHistoriesDir(): string | undefined {
  const candidates = [
    process.env.DL_FIXTURE_HISTORIES,
    path.join(REPO_ROOT, 'test', 'fixtures', 'aws-example-histories'),
    path.join(REPO_ROOT, '..', 'shared', 'fixtures', 'aws-example-histories'),
    '/work/shared/fixtures/aws-example-histories',
  ];
  return candidates.find((d): d is string => !!d && fs.existsSync(d));
}

export function readHistory(file: string): HistoryEvent[] {
  return parseHistoryText(fs.readFileSync(file, 'utf8')).events;
}

export function repoHistory(name: string): HistoryEvent[] {
  return readHistory(path.join(REPO_ROOT, 'test', 'fixtures', 'history', name));
}
