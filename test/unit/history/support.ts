// Unit tier (node): where the history tests find their fixtures: the 49 shared recordings and ours.
import * as fs from 'fs';
import * as path from 'path';
import { parseHistoryText, type HistoryEvent } from '../../../src/core/history/events';
import { fixtureHistoriesDir } from '../../support/lambdaServer';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The 49 shared histories, found where the loopback server finds them (DL_FIXTURE_HISTORIES, the checkout, ../shared). */
export const SHARED_DIR = fixtureHistoriesDir();
export const OWN_DIR = path.join(ROOT, 'test', 'fixtures', 'history');

export function historyFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.history.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function sharedFile(name: string): string {
  return path.join(SHARED_DIR, `${name}.history.json`);
}

export function ownFile(name: string): string {
  return path.join(OWN_DIR, `${name}.history.json`);
}

export function loadEvents(file: string): HistoryEvent[] {
  const parsed = parseHistoryText(fs.readFileSync(file, 'utf8'));
  if (parsed.problems.length > 0) throw new Error(`${file}: ${parsed.problems.join('; ')}`);
  return parsed.events;
}
