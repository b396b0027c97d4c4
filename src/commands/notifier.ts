/**
 * Team notices (spec oar-commands.md 12, agents.md 7): the ONE place that decides who a notice
 * mentions, which channel a team's notice goes to, and how it reaches Slack. Every notice is a
 * short summary in the channel with its full detail in the summary's thread, so a bug list or a
 * batch of rejected builds never floods the channel.
 *
 * Policy only: the Block Kit rendering is a port (`NoticeRenderer`) that the composer wires with
 * blocks/notice.ts (blocks/ sits above commands/ and is never imported from here).
 */
import type { PostedMessage, SlackMessage, SlackNotifier } from '../integrations/slack-notify.ts';
import type { ConfigStore } from '../release/configstore.ts';
import { describeError } from '../describe-error.ts';
import { userMessageOf } from './errors.ts';
import type { BuildVerdict } from './prow/build-verdict.ts';

/** Who a notice greets when no release-lead group is configured for the y-stream: one rule for every notice. */
export const LEAD_FALLBACK = '@qe-release';
/** Who a notice to ART greets when no ART group is configured. */
export const ART_FALLBACK = '@art';
/** `{docs}` when no docs approvers' group is configured. */
export const DOCS_FALLBACK = '@docs';

/** What a notice needs of the release's ConfigStore: the channels and the groups. */
export type NoticeConfig = Pick<ConfigStore, 'ystream' | 'slackChannel' | 'releaseLeadGroup' | 'slackGroupId' | 'slackUserGroup'>;

export interface TeamNotice {
  /** The whole notice as the original wrote it (people search for these texts). */
  text: string;
  /** What the channel shows; absent: the renderer derives it from `text` (first line, top items, count). */
  summary?: string;
  /** Rich messages for the thread (one per item), posted instead of `text` there. */
  details?: SlackMessage[];
  /** The channel message already built (Block Kit with fields), used instead of rendering `summary`. */
  message?: SlackMessage;
  /** A Prow build verdict: the renderer draws it (blocks/prow.ts); without one, `text` is posted. */
  verdict?: BuildVerdict;
}

/** What goes to Slack: the summary in the channel, then each thread message in its thread. */
export interface RenderedNotice {
  summary: SlackMessage;
  thread: SlackMessage[];
}

/** The rendering port, wired by the composer with blocks/notice.ts. */
export type NoticeRenderer = (notice: TeamNotice) => RenderedNotice;

/** Without a renderer (a bare engine in a unit test): the summary as text and the full text in the thread. */
export const plainNoticeRenderer: NoticeRenderer = (n) => {
  const thread = n.details ?? (n.summary !== undefined && n.summary !== n.text ? [{ text: n.text }] : []);
  return { summary: n.message ?? { text: n.summary ?? n.text }, thread };
};

export type NoticeResult = { sent: true; channel: string; posted: PostedNotice } | { sent: false; channel?: string; error: string };

/** The part of the Slack notifier a notice needs (jobs hand a poster without group lookups). */
export type NoticeSlack = Pick<SlackNotifier, 'post'> & Partial<Pick<SlackNotifier, 'userGroupMention' | 'preloadUserGroups' | 'mentionForEmail'>>;

/** A posted notice; thread messages Slack refused are listed (the summary is out, so it is not retried whole). */
export interface PostedNotice extends PostedMessage {
  threadFailures: { index: number; error: string }[];
}

export interface ReleaseNotifierDeps {
  slack(): Promise<NoticeSlack>;
  render?: NoticeRenderer;
  /** Warnings (a group Slack does not know, a missing configuration): never a failure. */
  warn?(message: string): void;
}

/**
 * One instance per run (a command's context builds one, a job run takes a fresh one from its
 * env): mentions are memoised for the instance's life, so a run's notices resolve each group (and
 * warn about it, or about a missing lead group) once. A long-lived holder that writes mentions takes a fresh
 * instance per use (see releaseNoticeTargets).
 */
export class ReleaseNotifier {
  private readonly deps: ReleaseNotifierDeps;
  private readonly render: NoticeRenderer;
  /** Group mentions resolved (or being resolved) by this instance, by handle; a lookup never rejects (it falls back). */
  private readonly mentions = new Map<string, Promise<string>>();
  /** User mentions by e-mail, as `mentions` (a failed lookup is dropped: Slack was unavailable). */
  private readonly users = new Map<string, Promise<string>>();
  /** Configuration warnings already given by this instance (a run's notices share one). */
  private readonly warned = new Set<string>();

  constructor(deps: ReleaseNotifierDeps) {
    this.deps = deps;
    this.render = deps.render ?? plainNoticeRenderer;
  }

  private warn(message: string): void {
    this.deps.warn?.(message);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }

  /**
   * `<!subteam^ID>` of a group handle. A group Slack does not know is written as `@handle`, and
   * no handle at all as `fallback`: a notice is never lost over a mention.
   */
  async groupMention(handle: string | undefined, fallback: string): Promise<string> {
    if (!handle) return fallback;
    let mention = this.mentions.get(handle);
    if (!mention) {
      mention = this.resolveGroup(handle);
      this.mentions.set(handle, mention);
    }
    return mention;
  }

  private async resolveGroup(handle: string): Promise<string> {
    try {
      const slack = await this.deps.slack();
      if (!slack.userGroupMention) return `@${handle}`;
      return await slack.userGroupMention(handle);
    } catch (e) {
      this.warn(`cannot resolve Slack user group ${handle}: ${userMessageOf(e)}`);
      return `@${handle}`;
    }
  }

  /**
   * `<@USERID>` of a person by e-mail, looked up once per instance. Slack's notifier writes the
   * e-mail itself (with a warning) when it has no such user; a poster without user lookups (a
   * job's) writes the e-mail. Rejects when Slack is unavailable, as posting the notice would.
   */
  async userMention(email: string): Promise<string> {
    let mention = this.users.get(email);
    if (!mention) {
      mention = this.deps.slack().then((slack) => (slack.mentionForEmail ? slack.mentionForEmail(email) : email));
      mention.catch(() => this.users.delete(email));
      this.users.set(email, mention);
    }
    return mention;
  }

  /**
   * Start reading what the mentions of a notice need (Slack's user-group list) now, side by side
   * with the command's own requests, instead of after them: the notice's mention lookups then
   * find it loaded (or share the request in flight). Fire and forget: a failure here is silent,
   * and the lookup made when the notice is written reports it as it always did.
   */
  prefetchMentions(): void {
    void this.deps
      .slack()
      .then((slack) => slack.preloadUserGroups?.())
      .catch(() => undefined);
  }

  /** Why Slack cannot take notices at all (no bot token, ...), or undefined when it can. */
  async unavailable(): Promise<string | undefined> {
    try {
      await this.deps.slack();
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** `{lead}`: the y-stream's release-lead group (`contacts.slack.qe-release[<y>]`), or `@qe-release`. */
  async leadMention(cs: NoticeConfig): Promise<string> {
    const handle = cs.releaseLeadGroup();
    if (!handle) this.warnOnce(`no release lead group is configured for ${cs.ystream} (contacts.slack.qe-release.${cs.ystream})`);
    return this.groupMention(handle, LEAD_FALLBACK);
  }

  /**
   * `{art}`: the ART group. `contacts.slack.art.id` is the group's HANDLE (spec oar-commands.md 5,
   * "ART user-group handle"), resolved through Slack like the lead's group (spec 9.7); an unknown
   * handle is written `@handle`, none at all `@art`. The one rule for every notice to ART.
   */
  async artMention(cs: NoticeConfig): Promise<string> {
    let handle: string | undefined;
    try {
      handle = cs.slackGroupId('art');
    } catch {
      handle = undefined;
    }
    return this.groupMention(handle, ART_FALLBACK);
  }

  /**
   * `{docs}`: the docs approvers' group. `approver.doc_id` is the group's HANDLE (spec
   * oar-commands.md 5, "docs-team user-group handle"), resolved like the ART and lead groups; an
   * unknown handle is written `@handle`, none at all `@docs`.
   */
  async docsMention(cs: NoticeConfig): Promise<string> {
    return this.groupMention(cs.slackUserGroup('approver', 'doc_id'), DOCS_FALLBACK);
  }

  /**
   * Post a notice to a channel: the summary, then its detail in the summary's thread. Throws when
   * Slack refuses the summary; a refused thread message is reported in `threadFailures`.
   */
  async post(channel: string, notice: TeamNotice): Promise<PostedNotice> {
    const slack = await this.deps.slack();
    const rendered = this.render(notice);
    const posted = await slack.post({ channel }, rendered.summary);
    const threadFailures: PostedNotice['threadFailures'] = [];
    for (const [index, m] of rendered.thread.entries()) {
      try {
        await slack.post({ channel: posted.channel, threadTs: posted.ts }, m);
      } catch (e) {
        const error = userMessageOf(e);
        this.warn(`a thread message of the notice in ${channel} was not sent: ${error}`);
        threadFailures.push({ index, error });
      }
    }
    return { ...posted, threadFailures };
  }

  /**
   * Post to a team's channel (`qe-release`, `qe-forum`, `art`, `approver`) from the release's
   * ConfigStore. Failures are returned, never thrown: the work is done, and each caller decides
   * what a lost notice means (spec 12: "callers decide whether it is fatal").
   */
  async notifyTeam(cs: NoticeConfig, team: string, notice: TeamNotice | ((mentions: this) => Promise<TeamNotice>)): Promise<NoticeResult> {
    let channel: string | undefined;
    try {
      channel = cs.slackChannel(team);
      const n = typeof notice === 'function' ? await notice(this) : notice;
      const posted = await this.post(channel, n);
      return { sent: true, channel, posted };
    } catch (e) {
      return { sent: false, ...(channel ? { channel } : {}), error: userMessageOf(e) };
    }
  }
}

/** Where the notices of a release go outside a command run (the async approval's end, the release detector). */
export interface ReleaseNoticeTargets {
  /** The release's QE release channel (ConfigStore contact `qe-release`), else the ops channel. */
  releaseChannel(release: string): Promise<string | undefined>;
  /** `{lead}` of the release's y-stream by the one lead rule, or {@link LEAD_FALLBACK}. */
  leadMention(release: string): Promise<string>;
}

export interface NoticeTargetDeps {
  /** OAR_OPS_CHANNEL: where a release without a readable `qe-release` channel is announced. */
  opsChannel?: string | undefined;
  /** The release's ConfigStore; absent or failing (logged): the fallbacks. */
  configStores?: { get(release: string): Promise<NoticeConfig> } | undefined;
  /** Slack, to resolve a group handle to its mention (failing: `@handle`). */
  slack(): Promise<NoticeSlack>;
  /** A fallback taken (no ConfigStore, no `qe-release` channel, no lead group, an unknown group): never a failure. */
  warn?(message: string, err?: unknown): void;
}

/** The release channel and lead mention of a release, from its ConfigStore, with the one fallback rule. */
export function releaseNoticeTargets(deps: NoticeTargetDeps): ReleaseNoticeTargets {
  const configStore = async (release: string): Promise<NoticeConfig | undefined> => {
    if (!deps.configStores) return undefined;
    try {
      return await deps.configStores.get(release);
    } catch (e) {
      deps.warn?.(`the ConfigStore of ${release} is not available: ${describeError(e)}`, e);
      return undefined;
    }
  };
  // Long-lived (one per process): a fresh notifier per lookup, so its memoised mentions do not outlive it.
  return {
    async releaseChannel(release) {
      const cs = await configStore(release);
      if (!cs) return deps.opsChannel;
      try {
        return cs.slackChannel('qe-release');
      } catch (e) {
        deps.warn?.(`the qe-release channel of ${release} is not readable (${describeError(e)}): ${deps.opsChannel ? `using the ops channel ${deps.opsChannel}` : 'no ops channel to fall back to'}`, e);
        return deps.opsChannel;
      }
    },
    async leadMention(release) {
      const cs = await configStore(release);
      return cs ? new ReleaseNotifier({ slack: deps.slack, warn: (m) => deps.warn?.(m) }).leadMention(cs) : LEAD_FALLBACK;
    },
  };
}
