import { setImmediate as nextTick } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { currentCorrelation, logMixin, newCorrelationId, withCorrelation } from '../../src/correlation.ts';
import { jsonLineSink } from '../helpers/log.ts';

function capture() {
  const { stream, lines } = jsonLineSink();
  return { logger: pino({ level: 'info', mixin: logMixin, base: { app: 'oar-bot' } }, stream), lines };
}

describe('correlation context', () => {
  it('adds release, command, actor and correlation id to every log line inside a command, across awaits', async () => {
    const { logger, lines } = capture();
    logger.info('before');
    await withCorrelation({ correlationId: 'c0ffee123456', release: '4.19.1', command: 'take-ownership', actor: 'U123' }, async () => {
      logger.info('started');
      await nextTick();
      // A client deep in the call chain logs with its own child logger and still gets the fields.
      logger.child({ system: 'Jira' }).warn({ status: 503 }, 'retrying');
      await Promise.all([1, 2].map(async (n) => { await nextTick(); logger.info({ n }, 'parallel'); }));
    });
    logger.info('after');

    expect(lines[0]).not.toHaveProperty('correlationId');
    for (const l of lines.slice(1, 5)) {
      expect(l).toMatchObject({ correlationId: 'c0ffee123456', release: '4.19.1', command: 'take-ownership', actor: 'U123', app: 'oar-bot' });
    }
    expect(lines[2]).toMatchObject({ system: 'Jira', status: 503, msg: 'retrying' });
    expect(lines[5]).toMatchObject({ msg: 'after' });
    expect(lines[5]).not.toHaveProperty('release');
  });

  it('keeps concurrent commands apart', async () => {
    const { logger, lines } = capture();
    const run = (id: string, release: string) =>
      withCorrelation({ correlationId: id, release }, async () => {
        await nextTick();
        logger.info('step');
        await nextTick();
        logger.info('step');
      });
    await Promise.all([run('aaaaaaaaaaaa', '4.18.9'), run('bbbbbbbbbbbb', '4.19.1')]);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l.release).toBe(l.correlationId === 'aaaaaaaaaaaa' ? '4.18.9' : '4.19.1');
  });

  it('inherits outer fields in nested contexts and lets explicit log fields win', () => {
    const { logger, lines } = capture();
    withCorrelation({ correlationId: 'job000000001', actor: 'job:jira-notificator' }, () => {
      withCorrelation({ release: '4.20.0', command: 'notify' }, () => {
        expect(currentCorrelation()).toEqual({ correlationId: 'job000000001', actor: 'job:jira-notificator', release: '4.20.0', command: 'notify' });
        logger.info({ release: 'explicit' }, 'nested');
      });
    });
    expect(lines[0]).toMatchObject({ correlationId: 'job000000001', actor: 'job:jira-notificator', command: 'notify', release: 'explicit' });
    expect(currentCorrelation()).toBeUndefined();
  });

  it('generates a 12-hex-digit id when none is given', () => {
    const id = withCorrelation({ command: 'release-status' }, () => currentCorrelation()?.correlationId);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(newCorrelationId()).not.toBe(newCorrelationId());
    expect(logMixin()).toEqual({});
  });
});
