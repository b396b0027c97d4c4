/** How every front end reads an executed approval's recorded outcome (CLI exit code, MCP status). */
import { describe, expect, it } from 'vitest';
import { approvalRunFailed } from '../../src/commands/approval-view.ts';

describe('approvalRunFailed', () => {
  it('is true only for an executed approval whose run failed or was refused', () => {
    expect(approvalRunFailed({ state: 'executed', outcome: 'pass: 4 advisories moved to REL_PREP' })).toBe(false);
    for (const kind of ['fail', 'denied', 'locked', 'refused', 'duplicate']) expect(approvalRunFailed({ state: 'executed', outcome: `${kind}: why` })).toBe(true);
    expect(approvalRunFailed({ state: 'executed', outcome: 'failure-free: words' })).toBe(false);
    expect(approvalRunFailed({ state: 'rejected', outcome: 'fail: x' })).toBe(false);
    expect(approvalRunFailed({ state: 'executed' })).toBe(false);
  });
});
