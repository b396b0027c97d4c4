import { describe, expect, it } from 'vitest';
import { commandHelpMessage, helpGroups, helpMessage, slackExample, type HelpCommand } from '../../src/blocks/help.ts';

const cmd = (over: Partial<HelpCommand>): HelpCommand => ({ name: 'x', group: 'oar', safety: 'read', needs: 'read', summary: 's', legacy: false, mayRun: true, scope: 'zstream', examples: [], ...over });

describe('help blocks', () => {
  it('examples in Slack syntax', () => {
    expect(slackExample(cmd({ name: 'take-ownership', examples: ['oar -r 4.19.1 take-ownership -e a@redhat.com'] }))).toBe('/oar 4.19.1 take-ownership -e a@redhat.com');
    expect(slackExample(cmd({ name: 'jobs', examples: ['jobctl jobs list'] }))).toBe('/oar jobs list');
    expect(slackExample(cmd({ name: 'y', examples: ['oar -r 4.19.1 y', '/oar 4.19.1 y -v'] }))).toBe('/oar 4.19.1 y -v');
    expect(slackExample(cmd({ name: 'start-controller', scope: 'ystream' }))).toBe('/oar 4.19 start-controller');
  });

  it('workflow commands first, in step order; legacy last', () => {
    const groups = helpGroups([cmd({ name: 'stage-testing' }), cmd({ name: 'release-info' }), cmd({ name: 'take-ownership' }), cmd({ name: 'add-qe-approval', legacy: true }), cmd({ name: 'jobs', group: 'jobctl' })]);
    expect(groups.map((g) => g.commands.map((c) => c.name))).toEqual([['take-ownership', 'stage-testing'], ['release-info'], ['jobs'], ['add-qe-approval']]);
  });

  it('names the role a command needs, the viewer\'s role and led y-streams, and offers Share', () => {
    const m = helpMessage([cmd({ name: 'push-to-cdn-staging', safety: 'critical', needs: 'critical', mayRun: false })], { userId: 'U1', role: 'write', leads: [] }, { shareable: true });
    const json = JSON.stringify(m.blocks);
    expect(json).toContain(':lock: _needs critical_');
    expect(json).toContain('Your role: *write*');
    expect(json).toContain('"action_id":"oar_share"');
    expect(json).not.toContain('```');
    expect(JSON.stringify(helpMessage([], { userId: 'U1', role: 'critical', leads: ['4.19'] }).blocks)).toContain('You lead *4.19*');
  });

  it('one command\'s help rewrites its examples to /oar', () => {
    const m = commandHelpMessage('take-ownership', 'take-ownership — owner\n\nExamples:\n  oar -r 4.19.1 take-ownership -e a@b.co');
    expect(JSON.stringify(m.blocks)).toContain('/oar 4.19.1 take-ownership -e a@b.co');
    expect(JSON.stringify(m.blocks)).not.toContain('oar -r');
  });

  it('command help: aligned rows keep their term apart from the description; an example said twice is shown once', () => {
    const m = commandHelpMessage(
      'image-consistency-check',
      [
        'image-consistency-check — trigger',
        '',
        'Options:',
        '  -i, --job-id                 Prow job id',
        'Follow-ups (watched until they end, reported back):',
        '  prow-job                     Waits for the Prow job to end',
        'Examples:',
        '  oar -r 4.19.10 image-consistency-check',
        '  /oar 4.19.10 image-consistency-check',
      ].join('\n'),
    );
    const body = m.blocks.slice(2).map((b) => ('text' in b && typeof b.text === 'object' ? b.text.text : '')).join('\n');
    expect(body).toContain('\u2003`-i, --job-id`  Prow job id');
    expect(body).toContain('\u2003`prow-job`  Waits for the Prow job to end');
    expect(body.match(/\/oar 4\.19\.10 image-consistency-check/g)).toHaveLength(1);
  });
});
