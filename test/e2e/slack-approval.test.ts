/** Second-person approval of critical commands and private (--quiet) answers, end to end. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../src/commands/types.ts';
import { stripQuiet } from '../../src/slack/index.ts';
import { EXIT_PENDING_APPROVAL, runCli, type CliIO } from '../../src/cli/main.ts';
import { COMPOSITION } from '../helpers/terminal.ts';
import { startE2E, textOf, type E2E } from './harness.ts';

const ran: string[] = [];
const twoPerson = defineCommand({
  name: 'test-two-person',
  group: 'oar',
  summary: 'A critical operation that needs a second approver',
  examples: [],
  safety: 'critical',
  scope: 'zstream',
  options: z.object({}),
  async plan() {
    return { summary: 'approve the release', changes: [{ target: 'advisory 151166', from: 'QE', to: 'REL_PREP' }] };
  },
  async run(ctx) {
    ran.push(`${ctx.release} by ${ctx.actor.id}`);
    return { status: 'pass', summary: 'approved after a second look' };
  },
});

describe('second-person approval and --quiet', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E({ env: { OAR_CRITICAL_USERS: 'U_LEAD,U_ART', OAR_SECOND_APPROVAL: 'test-two-person', OAR_APPROVAL_POLL_MS: '50' }, extraCommands: [twoPerson] });
    e.world.seedRelease('4.19.1');
  });
  /** A terminal on the same store as the bot, without Slack tokens. */
  const cliIO = (out: string[], err: string[]): CliIO => ({
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { OAR_DATA_DIR: e.app.config.OAR_DATA_DIR, OAR_SECOND_APPROVAL: 'test-two-person', OAR_APPROVAL_POLL_MS: '50', LOG_LEVEL: 'silent', USER: 'jdoe' },
    isTTY: false,
  });
  afterAll(() => e.stop());

  it('after the invoker confirms, only another person with the critical role can approve; it then runs once', async () => {
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-two-person' });
    await e.slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args).includes('advisory 151166'));
    await e.slack.submitView({ user: 'U_LEAD', values: { value: '4.19.1' } });
    const request = await e.slack.waitForMessage((m) => textOf(m).includes('needs a second approval') && textOf(m).includes('oar_approve'), { existing: true });
    expect(ran).toEqual([]);
    // At a glance: what waits for whom, who asked, what will change, the expiry as a Slack date.
    expect(textOf(request)).toContain('Second approval needed: test-two-person on 4.19.1');
    expect(textOf(request)).toContain('*Asked by*\\n<@U_LEAD> via Slack');
    expect(textOf(request)).toMatch(/\*Expires\*\\n<!date\^\d+\^/);
    expect(textOf(request)).toContain('What will change: approve the release');
    // The channel message where it was confirmed points at the request.
    const waiting = await e.slack.waitForMessage((m) => m.text.includes('waits for a second approval'), { existing: true });
    expect(textOf(waiting)).toContain('Approve or Reject in the thread');

    // The invoker cannot approve their own request.
    await e.slack.clickButton({ user: 'U_LEAD', actionId: 'oar_approve', messageTs: request.ts, channel: 'C_QE_RELEASE' });
    await e.slack.waitFor((c) => c.method === 'chat.postEphemeral' && JSON.stringify(c.args).includes('cannot approve your own request'), { since: 0 });
    // A read-only user cannot approve either.
    await e.slack.clickButton({ user: 'U_VIEWER', actionId: 'oar_approve', messageTs: request.ts, channel: 'C_QE_RELEASE' });
    await e.slack.waitFor((c) => c.method === 'chat.postEphemeral' && JSON.stringify(c.args).includes('needs the critical role'), { since: 0 });
    expect(ran).toEqual([]);

    await e.slack.clickButton({ user: 'U_ART', actionId: 'oar_approve', messageTs: request.ts, channel: 'C_QE_RELEASE' });
    await e.slack.waitForMessage((m) => textOf(m).includes('approved after a second look'), { existing: true });
    // The request message now says how it ended, without buttons; a second approval does not run it again.
    const approvalId = /approval `(apr-[^`]+)`/.exec(textOf(request))![1]!;
    await vi.waitFor(() => {
      const now = e.slack.messages('C_QE_RELEASE', request.threadTs).find((m) => m.ts === request.ts);
      expect(textOf(now)).toContain('Approved and run: test-two-person on 4.19.1');
      expect(textOf(now)).toContain('*Approved by*\\n<@U_ART>');
      expect(textOf(now)).toContain('*Result*\\npass: approved after a second look');
      expect(textOf(now)).not.toContain('oar_approve');
    });
    // The channel message where it was confirmed says so too, for someone skimming the channel.
    await vi.waitFor(() => {
      const now = e.slack.messages('C_QE_RELEASE').find((m) => m.ts === waiting.ts);
      expect(textOf(now)).toContain('was approved by <@U_ART> and run: pass: approved after a second look');
      expect(textOf(now)).not.toContain('waits for');
    });
    const again = await e.app.engine.runner.approvals!.approve(approvalId, { id: 'U_ART', via: 'slack' });
    expect(again.ok === false && again.message).toContain('already decided');
    expect(ran).toEqual(['4.19.1 by U_LEAD']);
    const approvals = await e.app.store.queryAudit({ command: 'test-two-person', event: 'approve' });
    expect(approvals.map((a) => a.actorId)).toEqual(['U_ART']);
    expect((await e.app.engine.runner.approvals!.get(approvalId))).toMatchObject({ state: 'executed', decidedBy: 'U_ART', outcome: 'pass: approved after a second look' });
  });

  it('closing the confirmation modal cancels it: audited, nothing runs, the confirmation cannot be used later', async () => {
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-two-person' });
    await e.slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args).includes('advisory 151166'));
    const closed = await e.slack.closeView({ user: 'U_LEAD' });
    expect(closed.sent).toBe(true);
    // The listener acks first and audits after: wait for the row, not for time.
    await vi.waitFor(async () => {
      const audits = await e.app.store.queryAudit({ command: 'test-two-person', event: 'cancel' });
      expect(audits.map((a) => a.actorId)).toEqual(['U_LEAD']);
    });
    expect(ran).toEqual(['4.19.1 by U_LEAD']);
  });

  it('CLI without Slack: --yes confirms, the bot sharing the store announces the request, Approve in Slack runs it once, the waiting CLI exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const cli = runCli('oar', ['-r', '4.19.1', 'test-two-person', '--yes'], cliIO(out, err), { ...COMPOSITION, extraCommands: [twoPerson] });
    const request = await e.slack.waitForMessage((m) => textOf(m).includes('`cli:jdoe` via the terminal (oar)') && textOf(m).includes('oar_approve'), { existing: true });
    expect(textOf(request)).toContain('Second approval needed: test-two-person on 4.19.1');
    expect(ran).toEqual(['4.19.1 by U_LEAD']);
    await e.slack.clickButton({ user: 'U_ART', actionId: 'oar_approve', messageTs: request.ts, channel: request.channel });
    expect(await cli).toBe(0);
    expect(ran).toEqual(['4.19.1 by U_LEAD', '4.19.1 by cli:jdoe']);
    expect(err.join('\n')).toContain('waits for a second person with the critical role to approve it');
    expect(err.join('\n')).toContain('was approved by U_ART and ran: pass: approved after a second look');
    expect(out.join('\n')).toContain('pass: approved after a second look');
  });

  it('CLI --no-wait returns the approval id with exit 3; Reject in Slack ends it without running', async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(await runCli('oar', ['-r', '4.19.1', 'test-two-person', '--yes', '--no-wait'], cliIO(out, err), { ...COMPOSITION, extraCommands: [twoPerson] })).toBe(EXIT_PENDING_APPROVAL);
    const id = out.at(-1)!;
    expect(id).toMatch(/^apr-/);
    const request = await e.slack.waitForMessage((m) => textOf(m).includes(id) && textOf(m).includes('oar_reject'), { existing: true });
    await e.slack.clickButton({ user: 'U_ART', actionId: 'oar_reject', messageTs: request.ts, channel: request.channel });
    await vi.waitFor(async () => expect(await e.app.engine.runner.approvals!.get(id)).toMatchObject({ state: 'rejected', decidedBy: 'U_ART' }));
    expect(ran).toEqual(['4.19.1 by U_LEAD', '4.19.1 by cli:jdoe']);
    expect((await e.app.store.queryAudit({ event: 'reject' })).map((a) => a.actorId)).toEqual(['U_ART']);
  });

  it('--quiet answers a read-only command privately and posts nothing in the channel', async () => {
    const before = e.slack.messages('C_QE_RELEASE').length;
    await e.slack.slashCommand({ user: 'U_VIEWER', channel: 'C_QE_RELEASE', text: '4.19.1 release-info --quiet' });
    const answer = await e.slack.waitFor((c) => c.method === 'response_url' && JSON.stringify(c.args).includes('151166'), { since: 0 });
    expect(JSON.stringify(answer.args)).toContain('ephemeral');
    expect(e.slack.messages('C_QE_RELEASE').filter((m) => !m.ephemeral).length).toBe(before);
  });

  it('Reject in Slack updates the channel message where the command was confirmed, not only the request', async () => {
    const before = ran.length;
    await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-two-person' });
    await e.slack.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args).includes('advisory 151166'));
    const since = e.slack.messages('C_QE_RELEASE').length;
    await e.slack.submitView({ user: 'U_LEAD', values: { value: '4.19.1' } });
    const waiting = await vi.waitFor(() => {
      const m = e.slack.messages('C_QE_RELEASE').slice(since).find((x) => x.text.includes('waits for a second approval'));
      expect(m).toBeDefined();
      return m!;
    });
    const request = await e.slack.waitForMessage((m) => m.threadTs === waiting.ts && textOf(m).includes('oar_reject'), { existing: true });
    await e.slack.clickButton({ user: 'U_ART', actionId: 'oar_reject', messageTs: request.ts, channel: 'C_QE_RELEASE' });
    await vi.waitFor(() => {
      const now = e.slack.messages('C_QE_RELEASE').find((m) => m.ts === waiting.ts);
      expect(textOf(now)).toContain('was rejected by <@U_ART>: nothing was changed');
      expect(textOf(now)).not.toContain('waits for');
    });
    expect(ran.length).toBe(before);
  });

  it('strips the Slack-only --quiet flag without touching the rest', () => {
    expect(stripQuiet('4.19.1 release-info --quiet')).toEqual({ text: '4.19.1 release-info', quiet: true });
    expect(stripQuiet('-q 4.19.1 release-status')).toEqual({ text: '4.19.1 release-status', quiet: true });
    expect(stripQuiet('4.19.1 take-ownership -e a@b.co')).toEqual({ text: '4.19.1 take-ownership -e a@b.co', quiet: false });
  });
});
