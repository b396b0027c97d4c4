/** Shared test doubles for the jobs: a Slack recorder and a deferred. */
import type { SlackMessage, SlackTarget, PostedMessage } from '../../src/integrations/slack-notify.ts';
import type { SlackNotifier } from '../../src/integrations/slack-notify.ts';
import type { SlackPoster, SlackThreadPoster } from '../../src/jobs/types.ts';
import { testConfig } from '../../src/config/env.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { LEAD_FALLBACK, type ReleaseNoticeTargets, type ReleaseNotifier } from '../../src/commands/notifier.ts';
import { createJobEnv } from '../../src/jobs/env.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import type { Store } from '../../src/store/types.ts';

export interface RecordedPost {
  op: 'post' | 'update' | 'output';
  channel: string;
  threadTs?: string;
  ts?: string;
  text: string;
  blocks?: unknown[];
}

/** Notice targets for a wiring whose jobs announce nothing: no release channel, the fallback lead. */
export const NO_NOTICE_TARGETS: ReleaseNoticeTargets = { releaseChannel: async () => undefined, leadMention: async () => LEAD_FALLBACK };

/** The jobs' env's notifier factory (what the scheduler hands every job) over this Slack: a run's poster warns into the run's logger. */
export function envNotifier(slack: SlackPoster): (logger: Logger) => ReleaseNotifier {
  const services = new LazyServices({ slack: () => slack as SlackNotifier });
  return createJobEnv({ config: testConfig(), store: {} as Store, owner: 'test', logger: silentLogger, services, statebox: new MemoryStateBox(), notices: NO_NOTICE_TARGETS }).notifier;
}

/** Records every Slack call; `failNext(n)` makes the next n posts throw. */
export class SlackRecorder implements SlackThreadPoster {
  readonly posts: RecordedPost[] = [];
  private failures = 0;
  private seq = 0;

  failNext(n = 1): void {
    this.failures = n;
  }

  private check(): void {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('Slack refused posting a message to C1: channel_not_found');
    }
  }

  async post(target: SlackTarget, message: SlackMessage): Promise<PostedMessage> {
    this.check();
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.posts.push({ op: 'post', channel: target.channel, ...(target.threadTs ? { threadTs: target.threadTs } : {}), ts, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    return { channel: target.channel, ts, parts: [ts] };
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<PostedMessage> {
    this.check();
    this.posts.push({ op: 'update', channel, ts, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    return { channel, ts, parts: [ts] };
  }

  async postOutput(target: SlackTarget, output: string): Promise<PostedMessage> {
    this.check();
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.posts.push({ op: 'output', channel: target.channel, ...(target.threadTs ? { threadTs: target.threadTs } : {}), ts, text: output });
    return { channel: target.channel, ts, parts: [ts] };
  }

  in(channel: string): RecordedPost[] {
    return this.posts.filter((p) => p.channel === channel);
  }
}

export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves `reached(n)` once `tick()` was called n times: waiting for events, not for time. */
export function counter() {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    get count() {
      return count;
    },
    tick(): void {
      count++;
      for (const w of waiters.filter((x) => x.n <= count)) w.resolve();
    },
    reached(n: number): Promise<void> {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}
