/**
 * Shutdown that leaves nothing half-done (issue 17), through the real app and the simulated Slack:
 * SIGTERM with a command that outlives the grace period. The Socket Mode connection stays open
 * while draining (a slash command then is acked "restarting"); when the grace period runs out
 * the command is interrupted: its channel message says so with a Re-run button, its StateBox task
 * goes back to the status it had, its lock is released and the audit records the interruption.
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../src/commands/types.ts';
import { startE2E, textOf } from './harness.ts';

describe('shutdown with an exhausted grace period', () => {
  it('interrupts the running command: message edited with Re-run, task restored, lock released; Slack acks "restarting" meanwhile', async () => {
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    // Ignores its signal and never finishes: only the interruption can end its run.
    const stuck = defineCommand({
      name: 'test-stuck', group: 'oar', summary: 'never finishes', examples: [], safety: 'write', scope: 'zstream', task: 'take-ownership',
      options: z.object({ email: z.string().optional() }),
      aliases: { e: 'email' },
      async run() {
        started();
        return new Promise(() => undefined);
      },
    });
    const e = await startE2E({ env: { OAR_CRITICAL_USERS: 'U_LEAD', OAR_SHUTDOWN_GRACE_MS: '1500' }, extraCommands: [stuck] });
    try {
      e.world.seedRelease('4.19.1');
      await e.app.engine.statebox.updateTask('4.19.1', 'take-ownership', 'Fail', 'an earlier run failed');

      await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 test-stuck -e a@b.c' });
      await startedP;
      const running = await e.slack.waitForMessage((m) => m.channel === 'C_QE_RELEASE' && textOf(m).includes('test-stuck'), { existing: true });
      expect(await e.app.engine.statebox.getTaskStatus('4.19.1', 'take-ownership')).toBe('In Progress');
      expect((await e.app.store.listLocks()).map((l) => l.key)).toEqual(['release:4.19.1']);

      const releases = vi.spyOn(e.app.store, 'releaseLock');
      const audits = vi.spyOn(e.app.store, 'audit');
      const stopping = e.app.shutdown('SIGTERM');
      // Draining: the connection is still open and a new request is acked at once with the reason.
      const during = await e.slack.slashCommand({ user: 'U_LEAD', channel: 'C_QE_RELEASE', text: '4.19.1 release-info' });
      expect(textOf(during.ackMessage)).toContain('oar-bot is restarting, try again in a minute');
      await stopping;

      // The running message was edited in place: interrupted, with a Re-run button for the same command line.
      const edited = e.slack.messages('C_QE_RELEASE').find((m) => m.ts === running.ts)!;
      expect(textOf(edited)).toMatch(/Interrupted by a restart of oar-bot before test-stuck finished; its StateBox task is back to Fail/);
      const rerun = JSON.stringify(edited.blocks).match(/"text":"Re-run"[^}]*}[^}]*"value":"((?:[^"\\]|\\.)*)"/);
      expect(rerun).not.toBeNull();
      expect(JSON.parse(JSON.parse(`"${rerun![1]}"`) as string)).toEqual({ r: '4.19.1', c: 'test-stuck', a: ['-e', 'a@b.c'] });

      // StateBox back to the status this run found, with a note; lock released; audited.
      const doc = await e.app.engine.statebox.get('4.19.1');
      const task = doc!.state.tasks.find((t) => t.name === 'take-ownership')!;
      expect(task.status).toBe('Fail');
      expect(task.result).toMatch(/test-stuck was interrupted by a restart of oar-bot .*task status set back to \[Fail\]/);
      expect(releases).toHaveBeenCalledWith('release:4.19.1', { holder: 'U_LEAD' });
      expect(await releases.mock.results[0]!.value).toBe(true);
      expect(audits.mock.calls.some(([a]) => a.command === 'test-stuck' && a.event === 'failure' && /^interrupted: /.test(a.outcome ?? ''))).toBe(true);
    } finally {
      await e.slack.stop();
      await e.world.stop();
    }
  }, 60_000);
});
