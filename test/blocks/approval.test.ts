import { describe, expect, it } from 'vitest';
import { approvalChannelMessage, approvalRequestMessage } from '../../src/blocks/approval.ts';
import type { ApprovalView } from '../../src/commands/approval-view.ts';

const base: ApprovalView = {
  id: 'apr-1',
  command: 'change-advisory-status',
  release: '4.19.1',
  state: 'pending',
  requestedBy: 'U_LEAD',
  via: 'slack',
  plan: { summary: 'move 1 advisory to REL_PREP', changes: [{ target: 'advisory 151166', from: 'QE', to: 'REL_PREP' }] },
  createdAt: new Date('2026-12-07T20:00:00Z'),
  expiresAt: new Date('2026-12-07T20:30:00Z'),
  announcement: { channel: 'C1', threadTs: '1.1', messageTs: '1.2' },
};
const json = (v: ApprovalView) => JSON.stringify(approvalRequestMessage(v).blocks);
const header = (v: ApprovalView) => (approvalRequestMessage(v).blocks![0] as { text: { text: string } }).text.text;

describe('second-person approval request', () => {
  it('pending: header, who asked, expiry as a Slack date, what will change, Approve and Reject', () => {
    const m = approvalRequestMessage(base);
    expect(m.text).toBe('change-advisory-status on 4.19.1 needs a second approval');
    expect(header(base)).toBe(':raised_hand: Second approval needed: change-advisory-status on 4.19.1');
    const text = json(base);
    expect(text).toContain('*Asked by*\\n<@U_LEAD> via Slack');
    expect(text).toContain(`*Expires*\\n<!date^${Date.parse('2026-12-07T20:30:00Z') / 1000}^`);
    expect(text).toContain('What will change: move 1 advisory to REL_PREP');
    expect(text).toContain('*advisory 151166*: QE → REL_PREP');
    expect(text).toContain('"action_id":"oar_approve"');
    expect(text).toContain('"action_id":"oar_reject"');
    expect(text).not.toContain('2026-12-07T20:30:00.000Z');
  });

  it('approved, executed, rejected and expired say how it ended, without buttons', () => {
    const approved = { ...base, state: 'approved' as const, decidedBy: 'U_ART' };
    expect(header(approved)).toBe(':arrow_forward: Approved, running: change-advisory-status on 4.19.1');
    const executed = { ...base, state: 'executed' as const, decidedBy: 'U_ART', outcome: 'pass: 1 advisory moved' };
    expect(header(executed)).toMatch(/^:white_check_mark: Approved and run/);
    expect(json(executed)).toContain('*Result*\\npass: 1 advisory moved');
    expect(header({ ...executed, outcome: 'fail: Errata down' })).toMatch(/^:x: Approved and run/);
    const rejected = { ...base, state: 'rejected' as const, decidedBy: 'U_ART', outcome: 'not today' };
    expect(header(rejected)).toBe(':no_entry_sign: Rejected: change-advisory-status on 4.19.1');
    expect(json(rejected)).toContain('*Rejected by*\\n<@U_ART>');
    expect(json(rejected)).toContain('*Changed*\\nnothing · not today');
    const expired = { ...base, state: 'expired' as const };
    expect(header(expired)).toBe(':hourglass: Expired: change-advisory-status on 4.19.1');
    expect(json(expired)).toContain('*Expired*\\n<!date^');
    for (const v of [approved, executed, rejected, expired]) {
      expect(json(v)).not.toContain('oar_approve');
      expect(approvalRequestMessage(v).text).toBe(`change-advisory-status on 4.19.1: approval ${v.state}`);
    }
  });

  it('a terminal caller is named as such; the channel message points at the thread', () => {
    expect(json({ ...base, requestedBy: 'cli:jdoe', via: 'cli' })).toContain('`cli:jdoe` via the terminal (oar)');
    const waiting = approvalChannelMessage(base);
    expect(waiting.text).toBe('change-advisory-status on 4.19.1 waits for a second approval');
    expect(JSON.stringify(waiting.blocks)).toContain('Approve or Reject in the thread. Expires <!date^');
  });

  it('the channel message, updated with the request, says how it ended and who decided', () => {
    const line = (v: ApprovalView) => JSON.stringify(approvalChannelMessage(v).blocks);
    expect(line({ ...base, state: 'approved', decidedBy: 'U_ART' })).toContain('was approved by <@U_ART> and is running');
    const ran = approvalChannelMessage({ ...base, state: 'executed', decidedBy: 'U_ART', outcome: 'pass: moved 1 advisory' });
    expect(ran.text).toBe('change-advisory-status on 4.19.1: approval executed');
    expect(JSON.stringify(ran.blocks)).toContain(':white_check_mark: `change-advisory-status` on *4.19.1* was approved by <@U_ART> and run: pass: moved 1 advisory.');
    expect(line({ ...base, state: 'executed', decidedBy: 'U_ART', outcome: 'fail: Errata refused' })).toContain(':x: ');
    expect(line({ ...base, state: 'rejected', decidedBy: 'U_ART' })).toContain('was rejected by <@U_ART>: nothing was changed');
    expect(line({ ...base, state: 'rejected', decidedBy: 'U_LEAD', withdrawn: true })).toContain('was withdrawn by <@U_LEAD>: nothing was changed');
    expect(line({ ...base, state: 'rejected', decidedBy: 'U_LEAD', withdrawn: true, outcome: 'wrong release' })).toContain('was withdrawn by <@U_LEAD> (wrong release): nothing was changed');
    expect(line({ ...base, state: 'expired' })).toMatch(/expired <!date\^\d+\^[^>]+> without a second approval: nothing was changed/);
    for (const state of ['approved', 'executed', 'rejected', 'expired'] as const) {
      expect(line({ ...base, state })).not.toContain('waits for');
      expect(line({ ...base, state })).toContain('confirmed by <@U_LEAD>');
    }
  });
});
