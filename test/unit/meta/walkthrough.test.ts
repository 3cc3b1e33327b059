// Unit tests (node, mocha): the "first ten minutes" walkthrough in package.json can be followed by a new user — every
// command it links to or waits on is contributed and registered, every context key it waits on is set by the
// extension, every media file and image exists and ships, and the sample code each step opens is really there.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../rules/harness';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string | Record<string, string>; altText?: string };
  completionEvents?: string[];
}
interface Manifest {
  name: string;
  publisher: string;
  contributes: { commands: { command: string; title: string }[]; walkthroughs?: { id: string; title: string; steps: Step[] }[]; views: Record<string, { id: string }[]> };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const walkthroughSource = fs.readFileSync(path.join(REPO_ROOT, 'src', 'extension', 'walkthrough.ts'), 'utf8');

/** Every .ts file under src/extension (where commands are registered and context keys set). */
function extensionSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ file: path.relative(REPO_ROOT, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(path.join(REPO_ROOT, 'src', 'extension'));
  return out;
}

/** A string constant of walkthrough.ts by its key, e.g. `breakIt: 'durableLens.walkthrough.breakIt'`. */
function constantsIn(source: string): Map<string, string> {
  return new Map([...source.matchAll(/^\s+(\w+): '([^']+)',$/gm)].map((m) => [m[1]!, m[2]!]));
}

const walkthrough = manifest.contributes.walkthroughs?.find((w) => w.id === 'durableLens.firstTenMinutes');
const steps = walkthrough?.steps ?? [];
const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
const sources = extensionSources();
/** View focus commands VS Code creates for each contributed view. */
const viewCommands = new Set(Object.values(manifest.contributes.views).flat().map((v) => `${v.id}.focus`));

function isRegistered(command: string): boolean {
  if (viewCommands.has(command)) return true;
  const constants = constantsIn(walkthroughSource);
  const key = [...constants].find(([, v]) => v === command)?.[0];
  return sources.some(({ text }) => text.includes(`'${command}'`) && /registerCommand|reg\(/.test(text)) || (key !== undefined && walkthroughSource.includes(`registerCommand(WALKTHROUGH_COMMANDS.${key},`));
}

describe('the first ten minutes walkthrough', () => {
  it('is contributed with the id walkthrough.ts opens, and covers the whole product in order', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs has durableLens.firstTenMinutes');
    assert.ok(walkthroughSource.includes(`'${manifest.publisher}.${manifest.name}#${walkthrough.id}'`), 'WALKTHROUGH_ID is publisher.name#id');
    assert.deepStrictEqual(
      steps.map((s) => s.id),
      ['findings', 'workflow', 'runLocally', 'callback', 'stepThrough', 'replayMismatch'],
      'a finding and its fix, the workflow, a local run, its callback, stepping, replay-mismatch',
    );
  });

  it('every command a step links to is contributed (so it activates the extension) and registered', () => {
    const linked = steps.flatMap((s) => [...s.description.matchAll(/\(command:([\w.]+)/g)].map((m) => ({ step: s.id, command: m[1]! })));
    assert.ok(linked.length >= 5, `most steps have a button: ${JSON.stringify(linked)}`);
    for (const { step, command } of linked) {
      assert.ok(contributed.has(command), `${step}: ${command} is in contributes.commands`);
      assert.ok(isRegistered(command), `${step}: ${command} is registered by the extension`);
    }
  });

  it('every completion event names a real command, view or context key the extension sets', () => {
    for (const step of steps) {
      assert.ok(step.completionEvents && step.completionEvents.length > 0, `${step.id} ticks itself off`);
      for (const event of step.completionEvents) {
        const [kind, value] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        if (kind === 'onCommand') {
          assert.ok(contributed.has(value) && isRegistered(value), `${step.id}: ${value} is a contributed, registered command`);
        } else if (kind === 'onContext') {
          const key = value.split(/\s/)[0]!;
          const constants = constantsIn(walkthroughSource);
          const constant = [...constants].find(([, v]) => v === key)?.[0];
          const setLiterally = sources.some(({ text }) => text.includes(`'setContext', '${key}'`));
          const setByConstant = constant !== undefined && walkthroughSource.includes(`'setContext', WALKTHROUGH_CONTEXT.${constant}`);
          assert.ok(setLiterally || setByConstant, `${step.id}: the context key ${key} is set somewhere in src/extension`);
        } else if (kind === 'onView') {
          assert.ok(viewCommands.has(`${value}.focus`), `${step.id}: view ${value} is contributed`);
        } else {
          assert.fail(`${step.id}: unexpected completion event ${event}`);
        }
      }
    }
  });

  it('every step has media that exists, and every image a markdown shows exists with alt text and ships', () => {
    const ignore = fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!media\/\*\*$/m, 'media/ ships in the .vsix');
    for (const step of steps) {
      const file = step.media.markdown;
      assert.ok(file, `${step.id} has a markdown media page`);
      assert.ok(file.startsWith('media/walkthrough/'), `${step.id}: ${file} is under media/walkthrough/`);
      const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      assert.match(text, /^# \S/m, `${file} has a title`);
      for (const m of text.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)) {
        assert.ok(m[1]!.trim().length > 10, `${file}: image ${m[2]} has alt text`);
        const image = path.join(REPO_ROOT, path.dirname(file), m[2]!);
        assert.ok(fs.existsSync(image), `${file}: ${m[2]} exists`);
        assert.strictEqual(fs.readFileSync(image).subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${m[2]} is a PNG`);
      }
    }
  });

  it('the sample files and lines the steps open exist, and the recording the stepper falls back to is a history', () => {
    const samples = constantsIn(walkthroughSource.slice(walkthroughSource.indexOf('WALKTHROUGH_SAMPLES')));
    const read = (key: string): string => {
      const rel = samples.get(key);
      assert.ok(rel, `WALKTHROUGH_SAMPLES.${key}`);
      return fs.readFileSync(path.join(REPO_ROOT, 'samples', rel), 'utf8');
    };
    // The anchors walkthrough.ts looks for: the finding's setTimeout, the handler, the waitForCallback the new step goes before.
    assert.match(read('finding'), /setTimeout\(/);
    assert.match(read('finding'), /deliberate: non-durable-timer/);
    assert.match(read('expense'), /^export const handler/m);
    assert.match(read('expense'), /const approval = await context\.waitForCallback/);
    assert.doesNotMatch(read('expense'), /check-budget/, 'the sample does not already hold the step the last step inserts');
    const claim = JSON.parse(read('claim')) as { claimId: string; items: unknown[] };
    assert.ok(claim.claimId && claim.items.length > 0);
    const events = JSON.parse(read('recording')) as { EventType: string; Name?: string }[];
    assert.ok(Array.isArray(events) && events.length > 10, 'a plain array of events (the SDK fixture format)');
    assert.strictEqual(events[events.length - 1]!.EventType, 'ExecutionSucceeded');
    assert.ok(events.some((e) => e.Name === 'manager-approval'), 'the recording waited on manager-approval');
  });
});
