/**
 * The services panel's feed: what each simulated service recorded after the baseline, written by
 * the product's own integration clients over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import { shipmentMrUrl } from '../../../src/sandbox/build-data.ts';
import { startPlaygroundWorld, type PlaygroundWorld } from '../../../src/sandbox/playground/world.ts';
import { ServiceActivity, describeDetail } from '../../../src/sandbox/playground/web/activity.ts';

let pw: PlaygroundWorld;
let engine: Engine;
beforeAll(async () => {
  pw = await startPlaygroundWorld();
  engine = await createEngine({ config: loadConfig({ ...pw.env, LOG_LEVEL: 'silent' }), frontEnd: 'test', store: null });
});
afterAll(async () => {
  await engine?.close();
  await pw?.stop();
});

describe('service activity', () => {
  it('starts empty: seeding is not activity', () => {
    expect(new ServiceActivity(pw.world).entries()).toEqual([]);
  });

  it('lists Jira comments, labels and transitions, Errata changes, GitLab notes and approvals, Jenkins builds, Prow jobs and GitHub writes, newest first', async () => {
    const activity = new ServiceActivity(pw.world);
    const services = engine.services(pw.releases.konflux.release);
    const jira = await services.get('jira');
    await jira.addComment(pw.bugs.staleOnQa, 'Errata Reliability Team Notification - QA Contact Action Request');
    await jira.addLabels(pw.bugs.staleOnQa, ['ert:pending-onqa-over-96hrs']);
    await jira.transition(pw.bugs.staleOnQa, 'Verified');
    const errata = await services.get('errata');
    await errata.changeQeOwner(153979, 'release.lead@redhat.com');
    await errata.changeState(153979, 'REL_PREP');
    const gitlab = await services.get('gitlab');
    const mr = await gitlab.openShipmentMergeRequest(shipmentMrUrl(pw.world.gitlab.url, pw.releases.konflux.release));
    await mr.addNote('QE Release Lead is @release.lead');
    await mr.approve();
    const jenkins = await services.get('jenkins');
    await jenkins.triggerBuild('zstreams/Stage-Pipeline', { VERSION: '4.19.10' });
    const prow = await services.get('prow');
    await prow.triggerJob('periodic-ci-openshift-release-tests-main-image-consistency-check', { RELEASE: '4.19.10' });
    await engine.statebox.updateTask(pw.releases.konflux.release, 'push-to-cdn-staging', 'In Progress', '2026-01-01T00:00:00Z: INFO: started');

    const entries = activity.entries();
    const text = (system: string) => entries.filter((e) => e.system === system).map((e) => e.text);
    expect(text('Jira')).toEqual(expect.arrayContaining([
      `${pw.bugs.staleOnQa} comment by ${(await jira.myself()).displayName}: Errata Reliability Team Notification - QA Contact Action Request`,
      expect.stringMatching(new RegExp(`^${pw.bugs.staleOnQa} labels: .*→ .*ert:pending-onqa-over-96hrs`)),
      expect.stringMatching(new RegExp(`^${pw.bugs.staleOnQa} status: ON_QA → Verified`)),
    ]));
    expect(text('Errata')).toEqual(expect.arrayContaining([
      'advisory 153979 advisory updated: qeEmail: qe-lead@example.com → release.lead@redhat.com',
      'advisory 153979 state changed: QE → REL_PREP',
    ]));
    expect(text('GitLab')).toEqual(expect.arrayContaining([
      `!${pw.releases.konflux.mrIid} note added: body: QE Release Lead is @release.lead; author: oar-bot`,
      `!${pw.releases.konflux.mrIid} merge request approved: user: oar-bot`,
    ]));
    expect(text('Jenkins').some((t) => t.startsWith('zstreams/Stage-Pipeline build queued:') && t.includes('VERSION'))).toBe(true);
    expect(text('Prow').some((t) => t.includes('job triggered') && t.includes('image-consistency-check'))).toBe(true);
    const write = entries.find((e) => e.system === 'GitHub');
    expect(write).toMatchObject({ kind: 'statebox', subject: '_releases/4.19/statebox/4.19.10.yaml', text: 'z-stream: update _releases/4.19/statebox/4.19.10.yaml (Update task: push-to-cdn-staging)' });
    expect(write?.link).toBe('/api/github/file?branch=z-stream&path=_releases%2F4.19%2Fstatebox%2F4.19.10.yaml');
    const times = entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(activity.entries(3)).toHaveLength(3);
  });

  it('describes details: from/to pairs as arrows, added/removed lists, other keys as values', () => {
    expect(describeDetail({ from: 'QE', to: 'REL_PREP' })).toBe('QE → REL_PREP');
    expect(describeDetail({ qeEmail: { from: 'a', to: 'b' }, textReady: true })).toBe('qeEmail: a → b; textReady: true');
    expect(describeDetail({ jiraIssues: { added: ['X-1'], removed: [] } })).toBe('jiraIssues: +X-1 −∅');
    expect(describeDetail({ targets: ['cdn_stage'], none: null })).toBe('targets: cdn_stage; none: ∅');
  });
});
