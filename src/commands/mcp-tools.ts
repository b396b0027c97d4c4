/**
 * The commands behind the original MCP server's API tools (agents.md 9.4). They are commands so
 * that every tool call takes the same road through the runner (authorization, per-release lock,
 * audit with the client's identity); they are not in the registry because Slack and the terminal
 * have their own spellings of these reads. Which tool name each one answers to is the MCP front
 * end's business (src/mcp/api-commands.ts).
 *
 * Their `data` is the original's JSON shape; the MCP layer returns it as the tool result.
 */
import { z } from 'zod';
import { userMessageOf } from './errors.ts';
import { defineCommand, ROLE_RANK, type AnyCommand, type Outcome, type Safety } from './types.ts';
import type { Approvals } from './approvals.ts';
import { approvalRunFailed, describeApproval } from './approval-view.ts';
import type { ConfigStoreCache } from '../release/configstore.ts';
import { WORKFLOW_TASK_NAMES, isWorkflowTask, type TaskStatus } from '../release/tasks.ts';
import type { ReleaseStatusReader } from './ports.ts';

export interface ApiCommandDeps {
  configStores: Pick<ConfigStoreCache, 'stats' | 'invalidate' | 'warm' | 'maxSize'>;
  statusReader: ReleaseStatusReader;
  /** Safety of the command that owns a StateBox task (setting it by hand needs the same role); default write. */
  taskSafety?: (task: string) => Safety | undefined;
  /** The engine's approval lifecycle, for oar_get_approval. */
  approvals?: () => Approvals | undefined;
}

/** The longest an MCP client may wait in one oar_get_approval call. */
export const MAX_APPROVAL_WAIT_SECONDS = 300;

const SETTABLE_STATUSES = ['Pass', 'Fail', 'In Progress'] as const satisfies readonly TaskStatus[];
const PREVIEW_CHARS = 200;

function isSettableStatus(s: string): s is (typeof SETTABLE_STATUSES)[number] {
  return (SETTABLE_STATUSES as readonly string[]).includes(s);
}

function failed(summary: string, data: Record<string, unknown>): Outcome {
  return { status: 'fail', summary, data };
}

export const getReleaseMetadata = (): AnyCommand =>
  defineCommand({
    name: 'get-release-metadata',
    group: 'oar',
    summary: "The release's metadata from ConfigStore as JSON: advisories, ART Jira ticket, candidate builds, shipment MR and release date",
    description: 'Returns {release, advisories, jira_ticket, candidate_builds, shipment_mr, release_date}; missing values are {} or "". On error: {error, release}.',
    examples: ['oar -r 4.19.1 release-info'],
    safety: 'read',
    scope: 'zstream',
    options: z.object({}),
    async run(ctx) {
      try {
        const md = (await ctx.configStore()).metadata();
        const data = {
          release: md.release,
          advisories: md.advisories ?? {},
          jira_ticket: md.jira_ticket ?? '',
          candidate_builds: md.candidate_builds ?? {},
          shipment_mr: md.shipment_mr ?? '',
          release_date: md.release_date ?? '',
        };
        return { status: 'info', summary: `metadata of ${md.release}`, data };
      } catch (e) {
        const error = userMessageOf(e);
        return failed(error, { error, release: ctx.release });
      }
    },
  });

export const getReleaseStatus = (reader: ReleaseStatusReader): AnyCommand =>
  defineCommand({
    name: 'get-release-status',
    group: 'oar',
    summary: "The release's StateBox document as JSON: metadata, every task with status and result, and the issues (blockers)",
    description:
      'Returns the whole StateBox document (schema_version, release, created_at, updated_at, metadata, tasks[], issues[]). ' +
      'A release without a StateBox gives {source: "none", release, overall_status: "Unknown", tasks: {}, message}; ' +
      'a read error gives {source: "error", error, release, overall_status: "Unknown", tasks: {}}.',
    examples: ['oar -r 4.19.1 release-status'],
    safety: 'read',
    scope: 'zstream',
    options: z.object({}),
    async run(ctx) {
      let doc: Awaited<ReturnType<ReleaseStatusReader['get']>>;
      try {
        doc = await reader.get(ctx.release);
      } catch (e) {
        const error = userMessageOf(e);
        return failed(error, { source: 'error', error, release: ctx.release, overall_status: 'Unknown', tasks: {} });
      }
      if (!doc) {
        const message = `${ctx.release} has no StateBox yet: create-test-report creates it`;
        return { status: 'info', summary: message, data: { source: 'none', release: ctx.release, overall_status: 'Unknown', tasks: {}, message } };
      }
      return { status: 'info', summary: `StateBox of ${ctx.release}`, data: doc.state };
    },
  });

export const updateTaskStatus = (reader: ReleaseStatusReader, taskSafety: (task: string) => Safety | undefined = () => undefined): AnyCommand =>
  defineCommand({
    name: 'update-task-status',
    group: 'oar',
    summary: "Set a workflow task's status (and optionally its result text) in the release's StateBox",
    description:
      `task_name is one of: ${WORKFLOW_TASK_NAMES.join(', ')}. status is one of: ${SETTABLE_STATUSES.join(', ')}. ` +
      'A blank result is treated as no result. Returns {success, release, task, status, updated_systems, message} ' +
      '(plus result_length and result_preview when a result is given); errors give {success: false, error, ...}.',
    examples: [],
    // The role of the command that owns the task: a critical task (change-advisory-status,
    // push-to-cdn-staging) is set by hand only with the critical role, and confirmed like its command.
    safety: (o) => {
      const owner = taskSafety(o.taskName);
      return owner && ROLE_RANK[owner] > ROLE_RANK.write ? owner : 'write';
    },
    safetyProbes: WORKFLOW_TASK_NAMES.map((taskName) => ({ taskName, status: 'Pass' })),
    scope: 'zstream',
    options: z.object({
      taskName: z.string().describe(`The workflow task: ${WORKFLOW_TASK_NAMES.join(', ')}`),
      status: z.string().describe(`The new status: ${SETTABLE_STATUSES.join(', ')}`),
      result: z.string().max(200_000).optional().describe('Result text (log) stored with the task; blank means none'),
    }),
    async run(ctx, o) {
      // Checked in the original's order: status first, then the task name (agents.md 9.5).
      if (!isSettableStatus(o.status)) {
        const error = `Invalid status: ${o.status}. Must be one of: ${SETTABLE_STATUSES.join(', ')}`;
        return failed(error, { success: false, error });
      }
      if (!isWorkflowTask(o.taskName)) {
        const error = `Invalid task name: ${o.taskName}. Must be one of: ${WORKFLOW_TASK_NAMES.join(', ')}`;
        return failed(error, { success: false, error });
      }
      const base = { release: ctx.release, task: o.taskName, status: o.status };
      const result = o.result && o.result.trim() ? o.result : undefined;
      try {
        // There is no legacy sheet any more, so a release without StateBox has nowhere to record
        // the update: say so instead of reporting a success that changed nothing.
        if (!(await reader.get(ctx.release))) {
          const error = `${ctx.release} has no StateBox yet (create-test-report creates it); nothing was updated`;
          return failed(error, { success: false, error, ...base });
        }
        await ctx.statebox.updateTask(ctx.release, o.taskName, o.status, result);
      } catch (e) {
        const error = userMessageOf(e);
        return failed(error, { success: false, error, ...base });
      }
      const updatedSystems = ['StateBox'];
      const message = `Successfully updated task '${o.taskName}' to '${o.status}' in ${updatedSystems.join(', ')}`;
      const data: Record<string, unknown> = { success: true, ...base, updated_systems: updatedSystems, message };
      if (result !== undefined) {
        data.result_length = result.length;
        data.result_preview = result.length > PREVIEW_CHARS ? `${result.slice(0, PREVIEW_CHARS)}...` : result;
      }
      return { status: 'pass', summary: message, data };
    },
  });

/** Stands in for `oar_is_release_shipped` when the registry has no `is-release-shipped` command. */
export const isReleaseShippedUnavailable = (): AnyCommand =>
  defineCommand({
    name: 'is-release-shipped',
    group: 'oar',
    summary: 'Whether the release is shipped (not available in this build)',
    description: 'The is-release-shipped command is not registered in this oar-bot build, so this tool always reports an error.',
    examples: [],
    safety: 'read',
    scope: 'zstream',
    options: z.object({}),
    async run() {
      const error = 'is-release-shipped is not available in this oar-bot build';
      return failed(error, { error, shipped: false, details: {} });
    },
  });

export const cacheStats = (deps: ApiCommandDeps): AnyCommand =>
  defineCommand({
    name: 'cache-stats',
    group: 'oarctl',
    summary: 'ConfigStore cache statistics: hits, misses, evictions, hit rate, size, TTL and the cached releases',
    examples: [],
    safety: 'read',
    scope: 'none',
    options: z.object({}),
    async run() {
      const stats = deps.configStores.stats();
      return { status: 'info', summary: `${stats.cache_size} cached ConfigStores, hit rate ${stats.metrics.hit_rate}`, data: stats };
    },
  });

export const cacheInvalidate = (deps: ApiCommandDeps): AnyCommand =>
  defineCommand({
    name: 'cache-invalidate',
    group: 'oarctl',
    summary: "Drop one release's cached ConfigStore (or all of them), so the next call re-reads ocp-build-data",
    description: 'Without release (or with a blank one) every entry is dropped. Succeeds for a release that is not cached (removed: 0).',
    examples: [],
    safety: 'write',
    scope: 'none',
    options: z.object({ release: z.string().optional().describe('Release whose entry to drop (exact string); omit for all') }),
    async run(ctx, o) {
      const release = o.release && o.release.trim() ? o.release : undefined;
      const removed = deps.configStores.invalidate(release);
      if (release !== undefined && removed === 0) ctx.log.warn(`no cached ConfigStore for release ${release}`);
      const message = release !== undefined ? `Cache entry for release ${release} invalidated` : 'All cache entries invalidated';
      return { status: 'pass', summary: message, data: { success: true, message, release: release ?? 'all', removed } };
    },
  });

export const cacheWarm = (deps: ApiCommandDeps): AnyCommand =>
  defineCommand({
    name: 'cache-warm',
    group: 'oarctl',
    summary: 'Build and cache the ConfigStores of the given releases ahead of use',
    description: 'releases is a comma-separated list such as "4.19.1,4.18.5". Releases that fail to load are listed in failed.',
    examples: [],
    safety: 'write',
    scope: 'none',
    options: z.object({ releases: z.string().max(2000).describe("Comma-separated releases, e.g. '4.19.1,4.18.5'") }),
    async run(_ctx, o) {
      const releases = o.releases.split(',').map((r) => r.trim()).filter(Boolean);
      if (releases.length === 0) {
        const error = "No releases provided. Expected comma-separated list (e.g., '4.19.1,4.18.5')";
        return failed(error, { success: false, error });
      }
      if (releases.length > deps.configStores.maxSize) {
        const error = `Too many releases (${releases.length}): the cache holds at most ${deps.configStores.maxSize}`;
        return failed(error, { success: false, error });
      }
      const { warmed, failed: failures } = await deps.configStores.warm(releases);
      if (warmed.length === 0) {
        const error = `No release could be loaded: ${failures.map((f) => `${f.release}: ${f.error}`).join('; ')}`;
        return failed(error, { success: false, error, releases, failed: failures });
      }
      const message = `Cache warmed with ${warmed.length} releases`;
      return { status: 'pass', summary: message, data: { success: true, message, releases: warmed, failed: failures } };
    },
  });

/**
 * `discover_active_releases` (agents.md 5, 9.4): the latest release of every y-stream whose
 * StateBox release date is today or at most a day ago, read from GitHub (GITHUB_TOKEN).
 */
export const discoverActiveReleases = (): AnyCommand =>
  defineCommand({
    name: 'discover-active-releases',
    group: 'oarctl',
    summary: 'The active z-stream releases: the latest release of each y-stream whose StateBox release date has not passed by more than a day',
    description: 'Returns {releases: [...]} in y-stream order; on error {error, releases: []}. Needs GITHUB_TOKEN (tracking files and StateBox on GitHub).',
    examples: [],
    safety: 'read',
    scope: 'none',
    options: z.object({}),
    async run(ctx) {
      const { createReleaseDiscovery, ReleaseDiscoveryError } = await import('../release/discovery.ts');
      try {
        const discovery = createReleaseDiscovery(ctx.config, await ctx.services.get('github'), { logger: ctx.logger, now: () => ctx.now() });
        const releases = await discovery.discoverActiveReleases();
        return { status: 'info', summary: releases.length ? `Active releases: ${releases.join(', ')}` : 'No active releases', data: { releases } };
      } catch (e) {
        // The discovery's own errors are the original's sentences.
        const error = e instanceof ReleaseDiscoveryError ? e.message : userMessageOf(e);
        return failed(error, { error, releases: [] });
      }
    },
  });

export const getApproval = (approvals: () => Approvals | undefined): AnyCommand =>
  defineCommand({
    name: 'get-approval',
    group: 'oar',
    summary: 'The state of a second-person approval request; optionally wait (bounded) until it is decided and has run',
    description:
      'A critical command listed in OAR_SECOND_APPROVAL, called with "confirm": true, returns kind "pending-approval" with approval.id. ' +
      'Pass that id here. wait_seconds (0-300, default 0) waits until the request is executed, rejected or expired. ' +
      'Returns {id, command, release, state (pending|approved|executed|rejected|expired), requestedBy, via, expiresAt, decidedBy, outcome, announcement, message}.',
    examples: [],
    safety: 'read',
    scope: 'none',
    options: z.object({
      approvalId: z.string().min(1).max(100).describe('The approval id returned by the critical tool (apr-...)'),
      waitSeconds: z.number().int().min(0).max(MAX_APPROVAL_WAIT_SECONDS).default(0).describe(`Wait up to this many seconds (at most ${MAX_APPROVAL_WAIT_SECONDS}) for a decision and the run`),
    }),
    async run(ctx, o) {
      const desk = approvals();
      if (!desk) return failed('approvals need the operational store, which this oar-bot does not have', { error: 'no store' });
      const v = await desk.wait(o.approvalId, { timeoutMs: o.waitSeconds * 1000, signal: ctx.signal });
      if (!v) return failed(`There is no approval request ${o.approvalId}.`, { error: 'not found', id: o.approvalId });
      const message = describeApproval(v);
      const ranBadly = approvalRunFailed(v);
      return { status: v.state === 'rejected' || v.state === 'expired' || ranBadly ? 'fail' : 'info', summary: message, data: { ...v, message } };
    },
  });
