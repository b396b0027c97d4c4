/**
 * A StateBox file cut short at a line boundary still parses as YAML. The service must refuse
 * every such document that fails the schema, naming the file, and never write over it (issue 17:
 * 32 of 39 truncations used to be rewritten by the next task update with only that task).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../src/sandbox/fixtures.ts';
import { StateBoxError } from '../../../src/release/statebox/errors.ts';
import { stateBoxRelativePath } from '../../../src/release/statebox/backend.ts';
import { parseStateBoxYaml } from '../../../src/release/statebox/yaml.ts';
import { localService, type LocalFixture } from './helpers.ts';

const RELEASE = '4.16.54';
const ORIGINAL = readFileSync(fixturePath('zstream', '4.16', 'statebox', `${RELEASE}.yaml`), 'utf8');
const LINES = ORIGINAL.split('\n');

/** Every proper prefix of the file that ends at a line boundary. */
const TRUNCATIONS = Array.from({ length: LINES.length - 1 }, (_, n) => ({ lines: n, text: LINES.slice(0, n).join('\n') + (n ? '\n' : '') })).filter((t) => t.text !== ORIGINAL);

function schemaValid(text: string): boolean {
  try {
    parseStateBoxYaml(text);
    return true;
  } catch {
    return false;
  }
}

describe('a truncated StateBox file is refused, never rewritten', () => {
  let fx: LocalFixture;
  let file: string;
  beforeEach(() => {
    fx = localService();
    file = join(fx.dir, stateBoxRelativePath(RELEASE));
  });
  afterEach(() => fx.cleanup());

  it('the fixture is a real document with tasks and issues', () => {
    const state = parseStateBoxYaml(ORIGINAL);
    expect(state.tasks.length).toBeGreaterThanOrEqual(9);
    expect(state.issues.length).toBeGreaterThanOrEqual(4);
    expect(TRUNCATIONS.length).toBeGreaterThan(250);
  });

  it('no truncation that fails the schema is written over by a task update, an issue or metadata', async () => {
    // Seed the directory through the backend so its layout is the real one.
    await fx.service.create({ release: RELEASE, release_date: '2025-Dec-03' });
    let refused = 0;
    const written: number[] = [];
    for (const t of TRUNCATIONS) {
      writeFileSync(file, t.text);
      const valid = schemaValid(t.text);
      const changes = [
        () => fx.service.updateTask(RELEASE, 'take-ownership', 'In Progress', null, { force: true }),
        () => fx.service.addIssue(RELEASE, 'a new issue'),
        () => fx.service.updateMetadata(RELEASE, { qe_owner: 'someone@redhat.com' }),
      ];
      for (const change of changes) {
        if (valid) break;
        writeFileSync(file, t.text);
        const err = await change().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `truncation at line ${t.lines} was accepted`).toBeInstanceOf(StateBoxError);
        expect((err as StateBoxError).kind).toBe('parse');
        expect((err as Error).message).toContain(stateBoxRelativePath(RELEASE));
        expect(readFileSync(file, 'utf8'), `truncation at line ${t.lines} was rewritten`).toBe(t.text);
      }
      if (valid) written.push(t.lines);
      else refused++;
    }
    // The only cuts that keep every required key fall between two whole issues: the document
    // then lost whole trailing issues and nothing else, which no schema can tell from a shorter
    // file. Every other cut was refused (a resolved issue cut before its resolved_at included).
    const original = parseStateBoxYaml(ORIGINAL);
    for (const n of written) {
      const kept = parseStateBoxYaml(TRUNCATIONS.find((t) => t.lines === n)!.text);
      expect(kept.tasks).toEqual(original.tasks);
      expect(kept.metadata).toEqual(original.metadata);
      expect(original.issues.slice(0, kept.issues.length).map((i) => i.issue)).toEqual(kept.issues.map((i) => i.issue));
    }
    expect(written.length).toBeLessThanOrEqual(original.issues.length - 1);
    expect(refused).toBe(TRUNCATIONS.length - written.length);
  }, 120_000);

  it('reads refuse too, naming the file, and YAML syntax errors name it', async () => {
    await fx.service.create({ release: RELEASE, release_date: '2025-Dec-03' });
    writeFileSync(file, LINES.slice(0, 30).join('\n'));
    await expect(fx.service.readStatus(RELEASE)).rejects.toThrow(new RegExp(`Invalid StateBox document .*${RELEASE}\\.yaml: .*not changed`));
    writeFileSync(file, 'tasks: [unclosed\n');
    await expect(fx.service.updateTask(RELEASE, 'take-ownership', 'Pass')).rejects.toThrow(new RegExp(`^Failed to parse YAML: .*${RELEASE}\\.yaml: `));
    expect(readFileSync(file, 'utf8')).toBe('tasks: [unclosed\n');
  });
});
