import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitLabSimulator, type GitLabSimulator, type SimMergeRequest } from '../../src/sandbox/gitlab/index.ts';
import { GitLabClient, ShipmentMrNotOpenError } from '../../src/integrations/gitlab/client.ts';
import { dropBugsFromShipment } from '../../src/integrations/gitlab/drop-bugs.ts';
import { fixedJiraIssues, parseShipmentYaml } from '../../src/integrations/gitlab/shipment-yaml.ts';

const UPSTREAM = 'hybrid-platforms/art/ocp-shipment-data';
const FORK = 'ert-release-bot/ocp-shipment-data';
const BRANCH = 'prepare-shipment-4.19.1-20260620';
const IMAGE = 'shipment/ocp/openshift-4.19/openshift-4-19/prod/4.19.1-image.20260620000000.yaml';
const EXTRAS = 'shipment/ocp/openshift-4.19/openshift-4-19/prod/4.19.1-extras.20260620000000.yaml';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/gitlab/${name}`, import.meta.url), 'utf8');
const MR_URL = `https://gitlab.cee.redhat.com/${UPSTREAM}/-/merge_requests/412`;

let sim: GitLabSimulator;
let client: GitLabClient;
let shipmentMr: SimMergeRequest;

beforeEach(async () => {
  sim = await startGitLabSimulator({ token: 'glpat-sim', currentUser: 'oar-bot', mergeableAfterReads: 2 });
  sim.seedUser({ username: 'oar-bot', email: 'oar-bot@redhat.com' });
  sim.seedUser({ username: 'jdoe', name: 'Jane Doe', email: 'jdoe@redhat.com' });
  sim.seedProject(UPSTREAM, {
    main: { 'README.md': '# shipment data\n' },
    [BRANCH]: { 'README.md': '# shipment data\n', [IMAGE]: fixture('4.19.1-image.20260620000000.yaml'), [EXTRAS]: fixture('4.19.1-extras.20260620000000.yaml') },
  });
  sim.seedProject(FORK, { main: { 'README.md': '# fork\n' } });
  shipmentMr = sim.seedMergeRequest({ project: UPSTREAM, iid: 412, title: 'Shipment for 4.19.1', sourceBranch: BRANCH, labels: ['ocp-4.19'] });
  client = new GitLabClient({ baseUrl: sim.url, token: 'glpat-sim', retries: 2, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
});
afterEach(() => sim.close());

describe('simulated GitLab behind real HTTP, driven by @gitbeaker', () => {
  it('opens the shipment MR from its gitlab.cee URL and reads exact Jira keys', async () => {
    const mr = await client.openShipmentMergeRequest(MR_URL);
    expect(await mr.changedFiles()).toEqual([IMAGE, EXTRAS]);
    expect(await mr.jiraIssues()).toEqual({ keys: ['OCPBUGS-1', 'OCPBUGS-12', 'OCPBUGS-123', 'OCPBUGS-57311'], failures: [] });
    expect(sim.calls.every((c) => c.headers['private-token'] === '***')).toBe(true);
  });

  it('a merged MR is refused with "state is not open"', async () => {
    shipmentMr.state = 'merged';
    await expect(client.openShipmentMergeRequest(MR_URL)).rejects.toBeInstanceOf(ShipmentMrNotOpenError);
  });

  it('QE lead note, approval once, labels: all recorded by the service', async () => {
    const mr = await client.openShipmentMergeRequest(MR_URL);
    await mr.addQeReleaseLeadComment('jdoe@redhat.com');
    await mr.addQeReleaseLeadComment('jdoe@redhat.com');
    expect((await mr.approve()).outcome).toBe('approved');
    expect(await mr.approve()).toMatchObject({ outcome: 'already-approved', message: 'User oar-bot has already approved MR 412' });
    await mr.addLabels(['qe-approved']);
    expect(shipmentMr.notes.map((n) => n.body)).toEqual(['QE Release Lead is @jdoe']);
    expect(shipmentMr.approvedBy).toEqual(['oar-bot']);
    expect(shipmentMr.labels).toEqual(['ocp-4.19', 'qe-approved']);
    expect(sim.changes.map((c) => c.kind)).toEqual(['note-added', 'merge-request-approved', 'merge-request-updated']);
    expect(sim.callsTo('POST', /\/approve$/)).toHaveLength(1);
  });

  it('stage release: label, then pipeline stage status, then not_found', async () => {
    const mr = await client.openShipmentMergeRequest(MR_URL);
    expect(await mr.isStageReleaseSuccess()).toMatchObject({ success: false, status: 'not_found' });
    sim.seedPipeline(shipmentMr, { jobs: { validate: 'success' }, bridges: { 'stage-release-triggers': 'running' }, createdAt: '2026-06-24T09:00:00Z' });
    expect(await mr.isStageReleaseSuccess()).toMatchObject({ success: false, via: 'pipeline', status: 'running' });
    sim.seedPipeline(shipmentMr, { bridges: { 'stage-release-triggers': 'success' }, createdAt: '2026-06-24T10:00:00Z' });
    expect(await mr.isStageReleaseSuccess()).toMatchObject({ success: true, via: 'pipeline' });
    shipmentMr.labels.push('prod-release-success');
    expect(await mr.isProdReleaseSuccess()).toMatchObject({ success: true, via: 'label' });
  });

  it('drop bugs: new branch on the fork from the shipment branch, MR to that branch, auto-merge, note', async () => {
    const mr = await client.openShipmentMergeRequest(MR_URL);
    const r = await dropBugsFromShipment(mr, {
      release: '4.19.1',
      keys: ['OCPBUGS-12'],
      fork: FORK,
      now: new Date('2026-07-01T12:00:00Z'),
      autoMerge: { pollMs: 10_000, timeoutMs: 300_000 },
      sleep: async () => undefined,
    });
    expect(r).toMatchObject({ status: 'created', dropped: ['OCPBUGS-12'], files: [IMAGE, EXTRAS], branch: 'drop-bugs-for-4.19.1-20260701120000', autoMerge: 'enabled' });
    const edited = sim.fileAt(FORK, 'drop-bugs-for-4.19.1-20260701120000', IMAGE)!;
    expect(fixedJiraIssues(parseShipmentYaml(edited))).toEqual(['OCPBUGS-1', 'OCPBUGS-123']);
    expect(fixedJiraIssues(parseShipmentYaml(sim.fileAt(FORK, 'drop-bugs-for-4.19.1-20260701120000', EXTRAS)!))).toEqual(['OCPBUGS-57311']);
    // The upstream shipment branch is untouched.
    expect(sim.fileAt(UPSTREAM, BRANCH, IMAGE)).toBe(fixture('4.19.1-image.20260620000000.yaml'));
    const created = sim.mergeRequests.find((m) => m.title === '4.19.1 drop bugs')!;
    expect(created).toMatchObject({ targetBranch: BRANCH, sourceBranch: 'drop-bugs-for-4.19.1-20260701120000', squash: true, mergeWhenPipelineSucceeds: true });
    expect(sim.projects.get(created.sourceProjectId)!.path).toBe(FORK);
    expect(shipmentMr.notes.map((n) => n.body)).toEqual([`Drop bug in MR: ${r.mergeRequest!.webUrl}`]);
    expect(sim.changes.map((c) => c.kind)).toEqual(['branch-created', 'commit', 'merge-request-created', 'auto-merge-set', 'note-added']);

    // A second run commits to the existing drop-bugs MR instead of opening another one.
    const again = await dropBugsFromShipment(mr, { release: '4.19.1', keys: ['OCPBUGS-1'], fork: FORK, autoMerge: false });
    expect(again.status).toBe('updated-existing');
    expect(fixedJiraIssues(parseShipmentYaml(sim.fileAt(FORK, 'drop-bugs-for-4.19.1-20260701120000', IMAGE)!))).toEqual(['OCPBUGS-123']);
    expect(sim.mergeRequests.filter((m) => m.title === '4.19.1 drop bugs')).toHaveLength(1);
  });

  it('fault injection: 429 with Retry-After on a read is retried; 500 on a write is not', async () => {
    sim.fault({ method: 'GET', path: `/api/v4/projects/${encodeURIComponent(UPSTREAM)}/merge_requests/412`, status: 429, retryAfter: 0 });
    const mr = await client.openShipmentMergeRequest(MR_URL);
    expect(sim.callsTo('GET', /merge_requests\/412$/).map((c) => c.status)).toEqual([429, 200]);
    sim.fault({ method: 'POST', path: /\/notes$/, status: 500 });
    await expect(mr.addNote('hello')).rejects.toMatchObject({ status: 500 });
    expect(sim.callsTo('POST', /\/notes$/)).toHaveLength(1);
    expect(shipmentMr.notes).toEqual([]);
  });

  it('a wrong token is a 401 that names the operation', async () => {
    const bad = new GitLabClient({ baseUrl: sim.url, token: 'nope', retries: 0 });
    await expect(bad.currentUser()).rejects.toThrow('GitLab rejected the credentials while reading the current user (401): check the token (401 Unauthorized)');
  });
});
