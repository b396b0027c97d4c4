import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.ts';
import { demoLocalConfig } from '../../../src/sandbox/demo-config.ts';
import { LEAD, VIEWER, startPlaygroundWorld, type PlaygroundWorld } from '../../../src/sandbox/playground/world.ts';
import { parseStateBoxYaml } from '../../../src/release/statebox/index.ts';
import { loadRoles, RoleResolver } from '../../../src/commands/roles.ts';
import { jiraClientFromConfig } from '../../../src/integrations/jira.ts';
import { runJiraNotificator } from '../../../src/jobs/jira-notificator/index.ts';
import { silentLogger } from '../../../src/log.ts';

let pw: PlaygroundWorld;
beforeAll(async () => {
  pw = await startPlaygroundWorld();
});
afterAll(() => pw.stop());

describe('the playground world', () => {
  it('seeds a Konflux-flow and an Errata-flow release with advisories in QE and a shipment MR', () => {
    const { errata, konflux } = pw.releases;
    expect(errata).toMatchObject({ release: '4.19.1', flow: 'errata', advisories: { extras: 151167, image: 151165, metadata: 151168, rpm: 151166 } });
    expect(konflux).toMatchObject({ release: '4.19.10', flow: 'konflux', advisories: { rhcos: 153981, rpm: 153979 } });
    for (const id of [...Object.values(errata.advisories), ...Object.values(konflux.advisories)]) expect(pw.world.errata.advisory(id).state).toBe('QE');
    expect(pw.world.gitlab.mergeRequests.find((m) => m.iid === konflux.mrIid)?.state).toBe('opened');
    expect(pw.world.errata.advisory(151165).jiraIssues).toEqual(expect.arrayContaining(Object.values(pw.bugs)));
  });

  it('has bugs in the states the product reacts to', () => {
    const status = (key: string) => (pw.world.jira.state.issues.get(key)?.fields.status as { name: string }).name;
    expect(status(pw.bugs.staleOnQa)).toBe('ON_QA');
    expect(status(pw.bugs.verified)).toBe('Verified');
    expect(status(pw.bugs.modified)).toBe('MODIFIED');
    const cve = pw.world.jira.state.issues.get(pw.bugs.cveTracker)!;
    expect(cve.fields.labels).toEqual(expect.arrayContaining(['SecurityTracking']));
    expect(String(cve.fields.summary)).toMatch(/^CVE-\d{4}-\d+ /);
  });

  it('has an ON_QA bug the Jira notificator escalates to its QA contact (a dry run finds it due)', async () => {
    const config = loadConfig({ ...pw.env, LOG_LEVEL: 'silent' });
    const report = await runJiraNotificator(
      { jira: jiraClientFromConfig(config), targetVersions: ['4.19.z'], logger: silentLogger, now: () => new Date() },
      { dryRun: true },
    );
    const action = report.actions.find((a) => a.key === pw.bugs.staleOnQa);
    expect(action?.kind).toBe('QA_CONTACT');
    // A bug that only just reached ON_QA is not escalated.
    expect(report.actions.some((a) => a.key === pw.bugs.cveTracker)).toBe(false);
  });

  it('has StateBox history for the Konflux release on the simulated z-stream branch: passed tasks, a failed one, an open blocker', () => {
    const text = pw.world.github.readFile('z-stream', '_releases/4.19/statebox/4.19.10.yaml');
    expect(text).toBeDefined();
    const state = parseStateBoxYaml(text!);
    const statusOf = (t: string) => state.tasks.find((x) => x.name === t)?.status;
    expect(statusOf('take-ownership')).toBe('Pass');
    expect(statusOf('check-cve-tracker-bug')).toBe('Pass');
    expect(statusOf('image-consistency-check')).toBe('Fail');
    expect(state.issues.filter((i) => !i.resolved && i.blocker)).toHaveLength(1);
    expect(state.metadata.shipment_mr).toContain(`/merge_requests/${pw.releases.konflux.mrIid}`);
    // The Errata release starts clean: its StateBox appears with the first command.
    expect(pw.world.github.readFile('z-stream', '_releases/4.19/statebox/4.19.1.yaml')).toBeUndefined();
  });

  it('has Prow records on the record branch, a rejected build among them', () => {
    const files = pw.world.github.listFiles('record', '_releases/').filter((f) => /ocp-test-result-.*\.json$/.test(f));
    const rejected = files.filter((f) => {
      const doc = JSON.parse(pw.world.github.readFile('record', f)!) as Record<string, unknown>;
      return doc.accepted === false && !('manual_promotion' in doc);
    });
    expect(rejected.length).toBeGreaterThan(0);
  });

  it('seeds Slack with the release lead, the viewer, their groups, and every channel the demo ConfigStore names', () => {
    const users = pw.slack.users().map((u) => u.id);
    expect(users).toEqual(expect.arrayContaining([LEAD.id, VIEWER.id]));
    const leads = pw.slack.groups().find((g) => g.handle === 'openshift-qe-release-4-19')!;
    expect(leads.users).toEqual([LEAD.id]);
    const contacts = demoLocalConfig({ buildDataTemplate: 'x/%s' }).contacts.slack;
    const channels = Object.values(contacts).map((c) => c.channel).filter((c): c is string => Boolean(c));
    expect(channels.length).toBeGreaterThan(3);
    for (const ref of [...channels, '#oar-ops']) expect(() => pw.slack.channelId(ref), ref).not.toThrow();
  });

  it('gives the app an environment: simulated Slack and services, roles, short job schedules', async () => {
    const config = loadConfig(pw.env);
    expect(config.SLACK_API_URL).toBe(pw.slack.apiUrl);
    expect(config.SLACK_BOT_TOKEN).toBe(pw.slack.botToken);
    expect(config.SLACK_APP_TOKEN).toBe(pw.slack.appToken);
    expect(config.JIRA_URL).toBe(pw.world.jira.url);
    expect(config.OAR_CRON_RESULT_CHECKER).not.toBe(loadConfig({}).OAR_CRON_RESULT_CHECKER);
    const groups = new Map<string, string[]>();
    for (const g of pw.slack.groups()) for (const u of g.users) groups.set(u, [...(groups.get(u) ?? []), g.handle]);
    const authz = new RoleResolver({
      slack: {
        roles: loadRoles(config),
        groups: { groupsOf: async (u) => groups.get(u) ?? [] },
        releaseLeadGroups: async () => demoLocalConfig({ buildDataTemplate: 'x/%s' }).contacts.slack['qe-release'] ?? {},
      },
    });
    expect(await authz.roleFor({ id: LEAD.id, via: 'slack' }, '4.19.1')).toBe('critical');
    expect(await authz.roleFor({ id: VIEWER.id, via: 'slack' }, '4.19.1')).toBe('read');
    // The lead's rights come from the 4.19 group, not from being the lead everywhere.
    expect(await authz.roleFor({ id: LEAD.id, via: 'slack' }, '4.12.70')).toBe('read');
  });
});
