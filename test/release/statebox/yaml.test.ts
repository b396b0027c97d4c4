/**
 * Real StateBox files (fixtures/zstream/<y>/statebox/*.yaml) load, validate and dump back
 * to the same document; bytes are identical except where PyYAML's emitter made a choice js-yaml
 * cannot reproduce, and this test pins exactly which choices those are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { StateBoxError } from '../../../src/release/statebox/errors.ts';
import { createDefaultState } from '../../../src/release/statebox/operations.ts';
import { parseStateBoxYaml, serializeStateBox } from '../../../src/release/statebox/yaml.ts';
import { fixturePath } from '../../../src/sandbox/fixtures.ts';

const ROOT = fixturePath('zstream');

function stateboxFixtures(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const y of readdirSync(ROOT).sort()) {
    let files: string[] = [];
    try {
      files = readdirSync(`${ROOT}/${y}/statebox`).filter((f) => f.endsWith('.yaml'));
    } catch {
      continue;
    }
    for (const f of files.sort()) out.push({ name: `${y}/statebox/${f}`, text: readFileSync(`${ROOT}/${y}/statebox/${f}`, 'utf8') });
  }
  return out;
}

const FIXTURES = stateboxFixtures();

/** Split a StateBox YAML text into key segments at indentation 0 or 2 (top-level, metadata, task and issue keys). */
function segments(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^(?:- | {2})?[a-z_]+:(?: |$)/.test(line) || out.length === 0) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

function segmentValue(segment: string): unknown {
  const indented = /^(- | {2})/.test(segment);
  const body = indented ? segment.split('\n').map((l) => l.slice(2)).join('\n') : segment;
  return Object.values(load(body) as Record<string, unknown>)[0];
}

describe('StateBox fixtures round-trip', () => {
  it('there are real StateBox files to check', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(45);
  });

  it.each(FIXTURES.map((f) => [f.name, f.text] as const))('%s loads, validates and dumps back to the same document', (_name, text) => {
    const state = parseStateBoxYaml(text);
    const out = serializeStateBox(state);
    expect(load(out)).toEqual(load(text));
    // The output is a fixed point: loading and dumping it again changes nothing.
    expect(serializeStateBox(parseStateBoxYaml(out))).toBe(out);
  });

  it.each(FIXTURES.map((f) => [f.name, f.text] as const))('%s: bytes equal, except long and space-ending strings PyYAML folded or double-quoted', (_name, text) => {
    const out = serializeStateBox(parseStateBoxYaml(text));
    if (out === text) return;
    const a = segments(text);
    const b = segments(out);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const value = segmentValue(a[i]!);
      expect(segmentValue(b[i]!)).toEqual(value);
      expect(typeof value).toBe('string');
      const s = value as string;
      const firstLine = a[i]!.split('\n')[0]!;
      const foldedLongLine = !s.includes('\n') && a[i]!.split('\n').length > 1 && firstLine.length + s.length > 80;
      const doubleQuotedMultiline = s.includes('\n') && /: "/.test(firstLine) && /[ \t]\n/.test(s);
      // What PyYAML did and js-yaml does not: (1) fold a single-line string longer than 80 columns
      // into continuation lines (we keep it on one line); (2) write a multi-line string containing a
      // line that ends in a space as a double-quoted scalar (we write a literal block, which keeps it).
      expect({ segment: firstLine, foldedLongLine, doubleQuotedMultiline }).toSatisfy(
        (x: { foldedLongLine: boolean; doubleQuotedMultiline: boolean }) => x.foldedLongLine || x.doubleQuotedMultiline,
      );
    }
  });

  it('files without long or space-ending strings are byte-identical', () => {
    const identical = FIXTURES.filter((f) => serializeStateBox(parseStateBoxYaml(f.text)) === f.text).map((f) => f.name);
    expect(identical).toContain('4.13/statebox/4.13.66.yaml');
    expect(identical.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps the stored metadata key order (qe_owner first in one real file)', () => {
    const withOwner = FIXTURES.find((f) => /^metadata:\n {2}qe_owner:/m.test(f.text));
    expect(withOwner).toBeDefined();
    const out = serializeStateBox(parseStateBoxYaml(withOwner!.text));
    expect(out).toMatch(/^metadata:\n {2}qe_owner: null\n {2}jira_ticket:/m);
  });
});

describe('YAML rules (spec 5.3)', () => {
  const state = createDefaultState(
    { release: '4.20.1', advisories: { rpm: 151234, rhcos: 151235 }, jira_ticket: 'ART-12345', candidate_builds: { x86_64: '4.20.0-0.nightly-2025-11-20-101010' }, shipment_mr: null, release_date: '2025-Dec-03' },
    '2025-11-27T21:50:00Z',
  );

  it('writes the documented layout: key order, quoted timestamps and schema version, unquoted release date, block style', () => {
    state.tasks.push({ name: 'take-ownership', status: 'Pass', started_at: '2025-11-27T21:54:22Z', completed_at: '2025-11-27T21:56:00Z', result: 'line 1\nline 2' });
    state.issues.push({ issue: 'Advisories in abnormal state (NEW_FILES instead of QE): 151235', reported_at: '2025-11-27T21:55:10Z', resolved: false, resolution: null, blocker: true, related_tasks: ['push-to-cdn-staging'] });
    expect(serializeStateBox(state)).toBe(
      [
        "schema_version: '1.0'",
        'release: 4.20.1',
        "created_at: '2025-11-27T21:50:00Z'",
        "updated_at: '2025-11-27T21:50:00Z'",
        'metadata:',
        '  jira_ticket: ART-12345',
        '  advisory_ids:',
        '    rpm: 151234',
        '    rhcos: 151235',
        '  release_date: 2025-Dec-03',
        '  candidate_builds:',
        '    x86_64: 4.20.0-0.nightly-2025-11-20-101010',
        '  shipment_mr: null',
        'tasks:',
        '- name: take-ownership',
        '  status: Pass',
        "  started_at: '2025-11-27T21:54:22Z'",
        "  completed_at: '2025-11-27T21:56:00Z'",
        '  result: |-',
        '    line 1',
        '    line 2',
        'issues:',
        "- issue: 'Advisories in abnormal state (NEW_FILES instead of QE): 151235'",
        "  reported_at: '2025-11-27T21:55:10Z'",
        '  resolved: false',
        '  resolution: null',
        '  blocker: true',
        '  related_tasks:',
        '  - push-to-cdn-staging',
        '',
      ].join('\n'),
    );
  });

  it('quotes version-like strings so they never read back as numbers', () => {
    const s = structuredClone(state);
    s.metadata = { ...s.metadata, ystream: '4.20', build: '5.0' };
    const out = serializeStateBox(s);
    expect(out).toContain("ystream: '4.20'");
    expect(out).toContain("build: '5.0'");
    const back = parseStateBoxYaml(out);
    expect(back.metadata.ystream).toBe('4.20');
    expect(back.created_at).toBe('2025-11-27T21:50:00Z');
  });

  it('unquoted timestamps load as strings (YAML 1.2 core schema), never as dates', () => {
    const s = parseStateBoxYaml("schema_version: '1.0'\nrelease: 4.19.1\ncreated_at: 2025-11-27T21:50:00Z\nupdated_at: 2025-11-27T21:50:00Z\nmetadata: {}\ntasks: []\nissues: []\n");
    expect(s.created_at).toBe('2025-11-27T21:50:00Z');
  });

  it('a multi-line string with a trailing newline is a `|` block, resolved_at comes last', () => {
    const s = structuredClone(state);
    s.issues = [{ issue: 'Found 1 missed CVE tracker bugs\n\n- OCPBUGS-1\n', reported_at: '2025-11-27T21:55:10Z', resolved: true, resolution: 'done', blocker: true, related_tasks: [], resolved_at: '2025-11-28T00:00:00Z' }];
    const out = serializeStateBox(s);
    expect(out).toContain('- issue: |\n    Found 1 missed CVE tracker bugs\n\n    - OCPBUGS-1\n  reported_at:');
    expect(out.trimEnd().split('\n').at(-1)).toBe("  resolved_at: '2025-11-28T00:00:00Z'");
    expect(out).toContain('  related_tasks: []');
  });

  it('a YAML syntax error reports "Failed to parse YAML"', () => {
    expect(() => parseStateBoxYaml('tasks: [unclosed')).toThrow(/^Failed to parse YAML: /);
    try {
      parseStateBoxYaml('a: [');
    } catch (e) {
      expect(e).toBeInstanceOf(StateBoxError);
      expect((e as StateBoxError).kind).toBe('parse');
    }
  });

  it('an invalid document names what is wrong', () => {
    const bad = serializeStateBox(state).replace('status: Pass', 'status: Done');
    expect(() => parseStateBoxYaml(bad, 'x.yaml')).toThrow(/Invalid StateBox document x\.yaml: tasks\.0\.status/);
    expect(() => parseStateBoxYaml("schema_version: '2.0'\nrelease: 4.19.1\ncreated_at: a\nupdated_at: b\n")).toThrow(/schema_version/);
  });
});
