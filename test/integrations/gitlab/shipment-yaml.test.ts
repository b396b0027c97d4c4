import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fixedJiraIssues,
  parseShipmentYaml,
  parseStageAdvisoryImages,
  removeJiraIssuesFromYaml,
  snapshotComponents,
  stageAdvisoryUrl,
  ShipmentYamlError,
} from '../../../src/integrations/gitlab/shipment-yaml.ts';
import { parseMergeRequestUrl, mergeRequestUrl } from '../../../src/integrations/gitlab/mr-url.ts';

const image = readFileSync(new URL('../../fixtures/gitlab/4.19.1-image.20260620000000.yaml', import.meta.url), 'utf8');

describe('shipment MR URL (2.6)', () => {
  it('splits project path and iid, ignoring a trailing path', () => {
    expect(parseMergeRequestUrl('https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/412/diffs')).toEqual({
      origin: 'https://gitlab.cee.redhat.com',
      projectPath: 'hybrid-platforms/art/ocp-shipment-data',
      iid: 412,
    });
    expect(mergeRequestUrl({ origin: 'https://g', projectPath: 'a/b', iid: 3 })).toBe('https://g/a/b/-/merge_requests/3');
  });

  it.each([
    ['', 'Invalid MR URL'],
    ['not a url', 'Invalid MR URL'],
    ['https://gitlab.cee.redhat.com/', 'Invalid MR URL'],
    ['https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/merge_requests/412', 'Invalid MR URL format'],
    ['https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/abc', 'Invalid MR URL format'],
    ['https://gitlab.cee.redhat.com/-/merge_requests/12', 'Invalid MR URL format'],
  ])('%j → %s', (url, message) => {
    expect(() => parseMergeRequestUrl(url)).toThrow(new RegExp(`^${message}$`));
  });
});

describe('shipment YAML', () => {
  it('extracts Jira keys from redhat.atlassian.net entries only', () => {
    const doc = parseShipmentYaml(image, 'a.yaml');
    expect(fixedJiraIssues(doc)).toEqual(['OCPBUGS-1', 'OCPBUGS-12', 'OCPBUGS-123']);
    expect(stageAdvisoryUrl(doc)).toBe('https://gitlab.cee.example/advisories/ocp-4.19.1-image-stage.yaml');
    expect(snapshotComponents(doc).map((c) => [c.name, c.containerImage !== undefined])).toEqual([
      ['ose-console-4-19', true],
      ['ose-installer-4-19', true],
      ['ose-docs-placeholder-4-19', false],
    ]);
  });

  it('names the file in parse errors', () => {
    expect(() => parseShipmentYaml('shipment: [', 'bad.yaml')).toThrow(/^bad\.yaml: not valid YAML/);
    expect(() => parseShipmentYaml('kind: Other', 'other.yaml')).toThrow(ShipmentYamlError);
  });

  it('reads images of a stage advisory, skipping entries without containerImage', () => {
    const text = 'spec:\n  content:\n    images:\n    - containerImage: quay.io/x@sha256:ab\n      component: c1\n      architecture: amd64\n    - component: c2\n';
    expect(parseStageAdvisoryImages(text)).toEqual([{ containerImage: 'quay.io/x@sha256:ab', component: 'c1', architecture: 'amd64' }]);
    expect(() => parseStageAdvisoryImages('kind: x', 'u')).toThrow(/no spec.content.images/);
  });
});

describe('removing Jira keys from a shipment file (defect 13: exact keys)', () => {
  it('OCPBUGS-1 never removes OCPBUGS-12 or OCPBUGS-123', () => {
    const { text, removed } = removeJiraIssuesFromYaml(image, ['OCPBUGS-1']);
    expect(removed).toEqual(['OCPBUGS-1']);
    expect(fixedJiraIssues(parseShipmentYaml(text))).toEqual(['OCPBUGS-12', 'OCPBUGS-123']);
    // Only the two lines of the entry disappear; everything else is byte-identical.
    expect(image.split('\n').length - text.split('\n').length).toBe(2);
    expect(text).toContain('        - id: "2301877"\n          source: bugzilla.redhat.com');
  });

  it('removes several keys and reports only those present', () => {
    const { text, removed } = removeJiraIssuesFromYaml(image, ['OCPBUGS-123', 'OCPBUGS-12', 'OCPBUGS-404']);
    expect(removed).toEqual(['OCPBUGS-123', 'OCPBUGS-12']);
    expect(fixedJiraIssues(parseShipmentYaml(text))).toEqual(['OCPBUGS-1']);
  });

  it('handles quoted keys, comments and the source-first order', () => {
    const yaml = [
      'shipment:',
      '  data:',
      '    releaseNotes:',
      '      issues:',
      '        fixed:',
      "        - id: 'OCPBUGS-7' # flaky",
      '          source: redhat.atlassian.net',
      '        - source: redhat.atlassian.net',
      '          id: OCPBUGS-8',
      '        - id: OCPBUGS-77',
      '          source: redhat.atlassian.net',
      '',
    ].join('\n');
    const { text, removed } = removeJiraIssuesFromYaml(yaml, ['OCPBUGS-7', 'OCPBUGS-8']);
    expect(removed).toEqual(['OCPBUGS-7', 'OCPBUGS-8']);
    expect(fixedJiraIssues(parseShipmentYaml(text))).toEqual(['OCPBUGS-77']);
  });

  it('leaves a file without the keys untouched', () => {
    expect(removeJiraIssuesFromYaml(image, ['OCPBUGS-9'])).toEqual({ text: image, removed: [] });
  });
});
