/**
 * A critical command resumed by its own follow-up watch, through the runner: the watch only reads
 * while it polls; what changes something (trigger a push, move advisories, record the end) runs as
 * the command again, so the runner takes the release lock, audits the run and records the task.
 *
 * The resume request travels in the run's options under a key that is not part of the command's
 * option shape (the declaration's schema is loose): help, the parser (unknown flags are errors)
 * and MCP (a strict tool schema over the shape) never offer or accept it, and the run refuses it
 * from anyone but a job. Used by change-advisory-status (async-approval) and push-to-cdn-staging
 * (cdn-push).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Watch } from '../store/types.ts';
import { CommandError } from './errors.ts';
import { WATCH_ACTOR } from './prow-jobs/watch.ts';
import type { Actor, AnyCommand, CommandContext, RunRequest, RunResult } from './types.ts';

export interface WatchResumeRequest<Step extends string> {
  /** The watch being resumed. */
  watch: string;
  step: Step;
  /** The watch's check number (the log's `check #n`). */
  check: number;
}

export interface WatchResume<Step extends string> {
  /** The option key of the request. */
  readonly key: string;
  /** The request in a run's options, validated; undefined when the run is not a resume. */
  of(options: Record<string, unknown>): WatchResumeRequest<Step> | undefined;
  /** Inside the run: only a job resumes, and only a watch of this kind on the run's release. */
  watchOf(ctx: Pick<CommandContext, 'actor' | 'store' | 'release'>, request: WatchResumeRequest<Step>): Promise<Watch>;
  /**
   * From the follow-up: run the command again through the runner. Critical commands carry a
   * confirmation (the person who ran the command confirmed this deferred half), fresh per request.
   */
  run(deps: ResumeDeps, watch: Watch, step: Step, check: number, signal?: AbortSignal): Promise<RunResult>;
}

export interface ResumeDeps {
  execute(req: RunRequest): Promise<RunResult>;
  command(name: string): AnyCommand | undefined;
  /** Who the resumed runs are audited as (and hold the lock as). Default `job:watchers`. */
  actor?: Actor;
}

export function defineWatchResume<const Steps extends readonly [string, ...string[]]>(def: {
  key: string;
  /** The watch kind, and the command it resumes. */
  kind: string;
  command: string;
  /** For messages: "an async approval", "a CDN push watch". */
  what: string;
  steps: Steps;
}): WatchResume<Steps[number]> {
  type Step = Steps[number];
  const schema = z.strictObject({ watch: z.string().min(1), step: z.enum(def.steps), check: z.number().int().positive() });
  return {
    key: def.key,
    of(options) {
      const raw = options[def.key];
      if (raw === undefined) return undefined;
      const r = schema.safeParse(raw);
      if (!r.success) throw new CommandError(`invalid resume request of ${def.what}: ${r.error.issues.map((i) => i.message).join('; ')}`);
      return r.data as WatchResumeRequest<Step>;
    },
    async watchOf(ctx, request) {
      if (ctx.actor.via !== 'job') throw new CommandError(`resuming ${def.what} is internal to the watchers`);
      const watch = await ctx.store?.getWatch(request.watch);
      if (!watch || watch.kind !== def.kind || watch.release !== ctx.release) throw new CommandError(`there is no ${def.kind} watch ${request.watch} of ${ctx.release}`);
      return watch;
    },
    async run(deps, watch, step, check, signal) {
      const command = deps.command(def.command);
      if (!command) throw new Error(`${def.command} is not a registered command: cannot resume ${def.what}`);
      const request: WatchResumeRequest<Step> = { watch: watch.id, step, check };
      return deps.execute({
        command,
        release: watch.release,
        options: { [def.key]: request },
        actor: deps.actor ?? WATCH_ACTOR,
        confirmation: { id: `${def.kind}:${watch.id}:${step}:${randomUUID()}` },
        ...(signal ? { signal } : {}),
        text: `oar -r ${watch.release} ${command.name} (${def.kind} ${step}, watch ${watch.id})`,
        ...(watch.report ? { slack: watch.report } : {}),
      });
    },
  };
}
