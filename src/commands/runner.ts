/**
 * The runner: one policy pipeline around every command, in this order (DESIGN.md):
 * validate -> authorize -> confirm -> per-release lock -> StateBox `In Progress` -> run with
 * timeout and AbortSignal -> StateBox `Pass`/`Fail` (also when the command throws) -> watch
 * registration -> audit. Commands repeat none of this; front ends only parse and render.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/env.ts';
import { silentLogger, type Logger } from '../log.ts';
import { maskSecrets } from '../secrets.ts';
import type { ConfigStore } from '../release/configstore.ts';
import { taskStatusLine, type TaskStatus } from '../release/tasks.ts';
import type { AuditEntry, LockInfo, NewWatch, SlackTarget, Store } from '../store/types.ts';
import type { StoreSpool } from '../store/spool.ts';
import { userMessageOf } from './errors.ts';
import { describeApproval } from './approval-view.ts';
import { withCorrelation } from '../correlation.ts';
import { CommandLog } from './log-capture.ts';
import { describeLock, lockKey } from './locks.ts';
export { describeLock } from './locks.ts';
import { Approvals, type ApprovalAnnouncer } from './approvals.ts';
import type { RunRequest, RunResult } from './run-types.ts';
export type { RunRequest, RunResult } from './run-types.ts';
import { validateOptions } from './options.ts';
import { withCallSignal } from '../integrations/call-signal.ts';
import { InflightRuns, interruptedOutcome, restoredTaskNote, RESTARTING_MESSAGE } from './interruption.ts';
import type { StateBoxPort } from './ports.ts';
import type { Services } from './services.ts';
import type { StateBoxService } from '../release/statebox/index.ts';
import { ReleaseNotifier, type NoticeRenderer } from './notifier.ts';
import { dryRunOption, ROLE_RANK, safetyOf, type Actor, type AnyCommand, type CommandContext, type Outcome, type Plan, type Role, type Safety } from './types.ts';

/** The store methods the runner uses. */
export type RunnerStore = Pick<Store, 'acquireLock' | 'releaseLock' | 'extendLock' | 'audit' | 'markSeen' | 'addWatch'>;

export interface Authorizer {
  /** The caller's role for this release (the release's QE group may grant write for it). */
  roleFor(actor: Actor, release: string): Promise<Role>;
}

/** Terminal users act with their own credentials: they may run everything. */
export const TERMINAL_AUTHORIZER: Authorizer = { roleFor: async () => 'critical' };

export interface RunnerDeps {
  config: Config;
  logger?: Logger;
  store?: Store;
  statebox: StateBoxPort;
  services: Services | ((release: string) => Services);
  configStores: { get(release: string): Promise<ConfigStore> };
  authorizer: Authorizer;
  /** Identity of this process (locks it holds are released at shutdown). */
  instanceId?: string;
  now?: () => Date;
  mask?: (s: string) => string;
  observer?: RunObserver;
  /** Commands by name (the registry): an approval requested in another process is run from its name. */
  commands?: { get(name: string): AnyCommand | undefined };
  /** Outcome audit rows and lock releases that fail mid-command are spooled here and retried. */
  spool?: StoreSpool;
  /** Which front end this process serves (recorded with the locks it takes). */
  frontEnd?: string;
  /** Posts second-person approval requests in Slack (absent or unavailable: a running bot announces them). */
  approvalAnnouncer?: ApprovalAnnouncer;
  /** Block Kit of team notices (blocks/notice.ts, wired by the composer); default plain text. */
  noticeRenderer?: NoticeRenderer;
}

export interface RunObserver {
  (e: { command: string; safety: Safety; result: RunResult['kind']; status?: Outcome['status']; durationMs?: number }): void;
}

export class Runner {
  private readonly deps: RunnerDeps;
  private readonly logger: Logger;
  readonly instanceId: string;
  private readonly inflight = new Set<Promise<unknown>>();
  /** Runs that a shutdown may interrupt (interruption.ts). */
  private readonly runs = new InflightRuns();
  private accepting = true;
  /** The second-person approval lifecycle (needs the store). */
  readonly approvals: Approvals | undefined;

  constructor(deps: RunnerDeps) {
    this.deps = deps;
    this.logger = deps.logger ?? silentLogger;
    this.instanceId = deps.instanceId ?? `oar-${randomUUID().slice(0, 8)}`;
    const commands = new Map<string, AnyCommand>();
    this.approvals = deps.store
      ? new Approvals({
          store: deps.store,
          config: deps.config,
          logger: this.logger,
          now: () => this.now(),
          roleFor: (actor, release) => deps.authorizer.roleFor(actor, release),
          execute: (req) => this.execute(req),
          // Commands seen by this process first (MCP-only commands are not in the registry), then the registry.
          command: (name) => commands.get(name) ?? deps.commands?.get(name),
          ...(deps.approvalAnnouncer ? { announcer: deps.approvalAnnouncer } : {}),
        })
      : undefined;
    this.rememberCommand = (c) => void commands.set(c.name, c);
  }

  private readonly rememberCommand: (c: AnyCommand) => void;

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Shutdown: refuse new work; resolves when in-flight commands finish or the deadline passes. */
  async drain(deadlineMs: number): Promise<{ finished: boolean; remaining: number }> {
    this.accepting = false;
    if (this.inflight.size === 0) return { finished: true, remaining: 0 };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), deadlineMs);
    });
    const all = Promise.allSettled([...this.inflight]).then(() => 'done' as const);
    const r = await Promise.race([all, deadline]);
    clearTimeout(timer);
    return { finished: r === 'done', remaining: this.inflight.size };
  }

  /**
   * Shutdown, grace period over: abort every command still running. Each one's pipeline then
   * restores its StateBox task, releases its lock, audits the interruption and returns an
   * outcome with a Re-run button to its front end; drain() again to wait for that.
   */
  interrupt(reason: string): number {
    this.accepting = false;
    return this.runs.interruptAll(reason, this.now()).length;
  }

  /** Refuse new work from now on (shutdown); in-flight commands continue. */
  stopAccepting(): void {
    this.accepting = false;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /**
   * What a front end needs to know before showing anything: is the caller allowed (a denial is
   * audited and returned), and does the command need a confirmation step? The same checks run
   * again inside execute(); front ends never decide policy themselves.
   */
  async preflight(req: RunRequest): Promise<{ ok: true; safety: Safety; needsConfirmation: boolean } | { ok: false; result: RunResult }> {
    const correlationId = req.correlationId ?? randomUUID().slice(0, 12);
    if (!this.accepting) return { ok: false, result: { kind: 'refused', message: RESTARTING_MESSAGE, correlationId } };
    const options = validateOptions(req.command, req.options);
    const safety = safetyOf(req.command, options);
    const { denied } = await this.authorize(req, options, safety, correlationId);
    if (denied) return { ok: false, result: denied };
    return { ok: true, safety, needsConfirmation: safety === 'critical' && options.dryRun !== true && !req.confirmation };
  }

  /** The one authorization rule for preflight and execute; a denial is audited and returned. */
  private async authorize(req: RunRequest, options: Record<string, unknown>, safety: Safety, correlationId: string): Promise<{ role: Role; denied?: RunResult }> {
    const base = this.baseAudit(req, correlationId, options);
    const role = await this.deps.authorizer.roleFor(req.actor, req.release);
    if (ROLE_RANK[role] < ROLE_RANK[safety]) {
      await this.audit({ ...base, event: 'deny', outcome: `needs ${safety}, has ${role}` });
      return { role, denied: { kind: 'denied', needed: safety, has: role, message: deniedMessage(req.command.name, req.release, safety, role), correlationId } };
    }
    if (req.approval) {
      const { approver } = req.approval;
      const denyApprover = async (has: Role, message: string): Promise<{ role: Role; denied: RunResult }> => {
        await this.audit({ ...base, event: 'deny', actorId: approver.id, actorName: approver.name, outcome: `approval refused: ${message}` });
        return { role, denied: { kind: 'denied', needed: safety, has, message, correlationId } };
      };
      const approverRole = await this.deps.authorizer.roleFor(approver, req.release);
      if (approver.id === req.actor.id) return denyApprover(approverRole, 'A second person must approve: you cannot approve your own request.');
      if (ROLE_RANK[approverRole] < ROLE_RANK[safety]) return denyApprover(approverRole, deniedMessage(req.command.name, req.release, safety, approverRole));
    }
    return { role };
  }

  /**
   * A confirmation the front end saw end without a run (modal closed, confirmation expired):
   * audited here like every other step of a command's life.
   */
  async recordConfirmationEnd(event: 'cancel' | 'expire', e: { actor: Actor; release: string; command: string; slack?: SlackTarget }): Promise<void> {
    await this.audit({ event, actorId: e.actor.id, actorName: e.actor.name, release: e.release || undefined, command: e.command, channel: e.slack?.channel, threadTs: e.slack?.threadTs });
  }

  async execute(req: RunRequest): Promise<RunResult> {
    const correlationId = req.correlationId ?? randomUUID().slice(0, 12);
    if (!this.accepting) return { kind: 'refused', message: RESTARTING_MESSAGE, correlationId };
    const p = withCorrelation({ correlationId, release: req.release || undefined, command: req.command.name, actor: req.actor.id }, () => this.pipeline(req, correlationId));
    this.inflight.add(p);
    try {
      return await p;
    } finally {
      this.inflight.delete(p);
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async audit(entry: AuditEntry): Promise<void> {
    if (!this.deps.store) return;
    try {
      await this.deps.store.audit(entry);
    } catch (e) {
      // The audit trail matters, but a lost audit row must not hide the command's result.
      this.logger.error({ err: e, command: entry.command, release: entry.release }, 'audit write failed');
    }
  }

  private baseAudit(req: RunRequest, correlationId: string, options: Record<string, unknown>): Omit<AuditEntry, 'event'> {
    const mask = this.deps.mask ?? ((s: string) => s);
    return {
      actorId: req.actor.id,
      actorName: req.actor.name,
      release: req.release || undefined,
      command: req.command.name,
      options: maskSecrets(options, mask) as Record<string, unknown>,
      channel: req.slack?.channel,
      threadTs: req.slack?.threadTs,
      correlationId,
    };
  }

  private services(release: string): Services {
    const s = this.deps.services;
    return typeof s === 'function' ? s(release) : s;
  }

  private makeContext(
    req: RunRequest,
    correlationId: string,
    signal: AbortSignal,
    log: CommandLog,
    role: Role,
    previousTaskStatus: TaskStatus | null = null,
    statebox: RunStateBox = this.runStateBox(),
  ): CommandContext {
    const deps = this.deps;
    const release = req.release;
    let services: Services | undefined;
    let notifier: ReleaseNotifier | undefined;
    const logger = this.logger;
    return {
      config: deps.config,
      logger,
      actor: req.actor,
      role,
      release,
      signal,
      dryRun: req.options.dryRun === true,
      slack: req.slack,
      previousTaskStatus,
      correlationId,
      store: deps.store,
      statebox,
      get services() {
        services ??= runServices(typeof deps.services === 'function' ? deps.services(release) : deps.services, statebox.service);
        return services;
      },
      get notifier() {
        notifier ??= new ReleaseNotifier({
          slack: () => this.services.get('slack'),
          ...(deps.noticeRenderer ? { render: deps.noticeRenderer } : {}),
          warn: (m) => log.warn(m),
        });
        return notifier;
      },
      configStore: () => deps.configStores.get(release),
      log,
      progress: (m: string) => {
        logger.debug({ progress: m }, 'progress');
        req.progress?.(m);
      },
      now: () => this.now(),
    };
  }

  private async pipeline(req: RunRequest, correlationId: string): Promise<RunResult> {
    const { command } = req;
    const started = performance.now();
    // validate (front ends validate too; MCP arguments arrive structured)
    const options = validateOptions(command, req.options);
    const safety = safetyOf(command, options);
    const base = this.baseAudit(req, correlationId, options);
    const observe = (result: RunResult) => {
      this.deps.observer?.({ command: command.name, safety, result: result.kind, status: result.kind === 'done' ? result.outcome.status : undefined, durationMs: result.kind === 'done' ? result.durationMs : undefined });
      return result;
    };

    // authorize (the caller, and the approver of a second-person approval)
    const { role, denied } = await this.authorize(req, options, safety, correlationId);
    if (denied) return observe(denied);
    // The implementation is imported on the first run of the command (declarations are all help needs).
    // A module that fails to load is a failed run like any other: audited, observed, answered (the
    // registry retries the import on the next run).
    let impl: Awaited<ReturnType<typeof command.load>>;
    try {
      impl = await command.load();
    } catch (e) {
      const message = userMessageOf(e);
      this.logger.error({ err: e, command: command.name }, 'command implementation failed to load');
      await this.audit({ ...base, event: 'failure', outcome: 'implementation failed to load', detail: message });
      return observe({ kind: 'refused', message: `${command.name} is not available: its implementation failed to load (${message})`, correlationId });
    }

    const dryRun = options.dryRun === true;
    const log = new CommandLog({ logger: this.logger, now: () => this.now(), mask: this.deps.mask });

    // confirm: critical commands show their plan first; --dry-run shows only the plan
    if (impl.plan && (dryRun || (safety === 'critical' && !req.confirmation))) {
      const ctx = this.makeContext(req, correlationId, req.signal ?? new AbortController().signal, log, role);
      let plan: Plan;
      try {
        plan = await withCallSignal(ctx.signal, () => impl.plan!(ctx, options));
      } catch (e) {
        const message = userMessageOf(e);
        await this.audit({ ...base, event: 'failure', outcome: 'plan failed', detail: message });
        return observe({ kind: 'refused', message: `Could not work out what ${command.name} would change: ${message}`, correlationId });
      }
      if (dryRun) {
        await this.audit({ ...base, event: 'run', outcome: 'dry-run' });
        return observe({
          kind: 'done',
          safety,
          correlationId,
          durationMs: performance.now() - started,
          log: log.text(),
          // A plan that predicts a refusal fails the dry run (terminal exit code 1), changing nothing either way.
          outcome: { status: plan.refused ? 'fail' : 'info', summary: `Dry run: ${plan.summary}`, sections: planSections(plan), data: plan, recordTask: false },
        });
      }
      await this.audit({ ...base, event: 'propose', outcome: plan.empty ? 'nothing to do' : `${plan.changes.length} change(s)` });
      return observe({ kind: 'needs-confirmation', plan, safety, correlationId });
    }
    if (dryRun && !impl.plan && hasGenericDryRun(command)) {
      // A command without an itemised plan: the dry run still validated and authorized, and changes nothing.
      const plan = genericPlan(command, req.release);
      await this.audit({ ...base, event: 'run', outcome: 'dry-run' });
      return observe({ kind: 'done', safety, correlationId, durationMs: performance.now() - started, log: log.text(), outcome: { status: 'info', summary: `Dry run: ${plan.summary}`, sections: planSections(plan), data: plan, recordTask: false } });
    }
    if (safety === 'critical' && !req.confirmation) {
      // A critical command without a plan still needs an explicit confirmation.
      await this.audit({ ...base, event: 'propose' });
      return observe({ kind: 'needs-confirmation', plan: { summary: `${command.name} on ${req.release}`, changes: [] }, safety, correlationId });
    }

    const writes = safety !== 'read' && !dryRun;
    const store = this.deps.store;
    if (writes && !store) {
      return observe({ kind: 'refused', message: 'The operational store is not available, so write commands are refused (fail closed).', correlationId });
    }

    // one confirmation runs once (double click, redelivered submission)
    if (req.confirmation && store) {
      let first: boolean;
      try {
        first = await store.markSeen(`confirm:${req.confirmation.id}`, 24 * 3600_000);
      } catch (e) {
        return observe({ kind: 'refused', message: `The operational store is unreachable (${userMessageOf(e)}); refusing to run ${command.name}.`, correlationId });
      }
      if (!first) return observe({ kind: 'duplicate', message: `This confirmation of ${command.name} was already used; it runs once.`, correlationId });
      // The requester's confirmation was audited when the approval was requested; the approval itself by Approvals.
      if (!req.approval) await this.audit({ ...base, event: 'confirm' });
    }

    // second-person approval (OAR_SECOND_APPROVAL): the same rule for Slack, MCP and the terminal
    if (safety === 'critical' && !dryRun && this.deps.config.OAR_SECOND_APPROVAL.includes(command.name)) {
      const approvals = this.approvals;
      if (!approvals || !store) return observe({ kind: 'refused', message: `${command.name} needs a second approval, which needs the operational store; it is not available.`, correlationId });
      if (!req.approval) {
        this.rememberCommand(command);
        const ctx = this.makeContext(req, correlationId, req.signal ?? new AbortController().signal, log, role);
        const plan = impl.plan ? await impl.plan(ctx, options).catch(() => undefined) : undefined;
        try {
          const approval = await approvals.propose(req, options, plan, base);
          return observe({ kind: 'pending-approval', approval, message: describeApproval(approval), correlationId });
        } catch (e) {
          return observe({ kind: 'refused', message: `The approval request could not be stored (${userMessageOf(e)}); nothing was run.`, correlationId });
        }
      }
      const held = await store.getPending(req.approval.id, this.now()).catch(() => undefined);
      if (!held || held.kind !== 'approval' || held.state !== 'approved' || held.decidedBy !== req.approval.approver.id || held.command !== command.name || held.release !== req.release || held.actorId !== req.actor.id) {
        await this.audit({ ...base, event: 'deny', outcome: 'no matching approved request', detail: `approval ${req.approval.id}` });
        return observe({ kind: 'refused', message: `${command.name} on ${req.release} runs only from an approved request; approval ${req.approval.id} is not one.`, correlationId });
      }
    }

    // per-release lock for anything that writes
    let lockHeld: string | undefined;
    let lockInfo: LockInfo | undefined;
    if (writes && store && req.release && !command.noLock) {
      const key = lockKey(req.release);
      try {
        const r = await store.acquireLock({
          key, holder: req.actor.id, holderName: req.actor.name, reason: command.name, ttlMs: this.deps.config.OAR_LOCK_TTL_MS, owner: this.instanceId,
          host: hostname(), frontEnd: req.actor.via,
          // A holder that stopped heartbeating died (SIGKILL, lost host): take its lock over now.
          staleAfterMs: this.deps.config.OAR_LOCK_STALE_MS,
        });
        if (!r.acquired) {
          const message = `${describeLock(r.heldBy, this.now())}. Its holder is alive: wait for it to finish (a holder silent for ${Math.round(this.deps.config.OAR_LOCK_STALE_MS / 1000)} s is taken over automatically), or, with the critical role, \`/oar ${req.release} unlock --force --reason "…"\` (audited).`;
          await this.audit({ ...base, event: 'deny', outcome: 'locked', detail: message });
          return observe({ kind: 'locked', heldBy: r.heldBy, message, correlationId });
        }
        lockHeld = key;
        lockInfo = r.lock;
      } catch (e) {
        return observe({ kind: 'refused', message: `The operational store is unreachable (${userMessageOf(e)}); refusing to run ${command.name} (fail closed).`, correlationId });
      }
    }

    // audit intent before any external change: no reachable store, no start
    if (writes && store) {
      try {
        await store.audit({ ...base, event: 'intent', detail: lockHeld ? `holding ${lockHeld} as ${this.instanceId}` : undefined });
      } catch (e) {
        if (lockHeld) await store.releaseLock(lockHeld, { holder: req.actor.id }).catch(() => undefined);
        return observe({ kind: 'refused', message: `The operational store is unreachable (${userMessageOf(e)}); ${command.name} was not started, nothing was changed.`, correlationId });
      }
    }

    // setTimeout (not AbortSignal.timeout) so the deadline follows the process clock and fake timers.
    const timeoutCtl = new AbortController();
    const timer = setTimeout(() => timeoutCtl.abort(new DOMException('command timed out', 'TimeoutError')), this.deps.config.OAR_COMMAND_TIMEOUT_MS);
    const run = this.runs.open({ correlationId, command: command.name, release: req.release });
    const heartbeat = lockHeld && store ? this.heartbeat(store, lockHeld, req.actor.id, timeoutCtl) : undefined;
    const signal = AbortSignal.any([...(req.signal ? [req.signal] : []), timeoutCtl.signal, run.controller.signal]);
    const task = command.task && !dryRun ? command.task : undefined;
    // A workflow command reads the release's ConfigStore first thing (and a missing StateBox is
    // created from it): load it side by side with the status read below instead of after it.
    if (task) this.deps.configStores.get(req.release).catch(() => undefined);
    // Read before this run writes In Progress: commands decide re-runs from it (defect 2).
    // One StateBox read serves the run: the status read here, the In Progress write and the command's own reads.
    const statebox = this.runStateBox();
    const previous = task ? await statebox.getTaskStatus(req.release, task).catch(() => null) : null;
    const ctx = this.makeContext(req, correlationId, signal, log, role, previous, statebox);
    let outcome: Outcome;
    try {
      if (task && safety !== 'read') await this.recordTask(statebox, req.release, task, 'In Progress', log);
      // The signal also rides the async chain to every integration call (call-signal.ts), so a
      // timeout aborts in-flight requests instead of leaving them to their own timeouts.
      outcome = await runWithAbort(() => withCallSignal(signal, () => impl.run(ctx, options)), signal, this.deps.config.OAR_COMMAND_TIMEOUT_MS);
    } catch (e) {
      if (run.interrupted) {
        outcome = interruptedOutcome(run, task && safety !== 'read' ? (previous ?? 'Not Started') : undefined, req.text);
      } else {
        const message = userMessageOf(e);
        log.error(message);
        if (!(e instanceof Error && 'userMessage' in e)) this.logger.error({ err: e }, 'command failed');
        outcome = { status: 'fail', summary: message };
      }
    } finally {
      clearTimeout(timer);
      this.runs.close(run);
      if (heartbeat) clearInterval(heartbeat);
    }
    if (outcome.watch && !(command.followUpKinds ?? []).some((f) => f.kind === outcome.watch!.kind)) {
      // No command owns such a watch, so no handler would ever poll it: it would sit until its
      // deadline and the run would look in progress meanwhile. A defect in the command; nothing is stored.
      const message = `${command.name} left a follow-up of kind ${outcome.watch.kind}, which it does not declare (it declares ${command.followUpKinds?.map((f) => f.kind).join(', ') || 'none'}); nothing is watching the work it started`;
      log.error(message);
      this.logger.error({ kind: outcome.watch.kind }, 'command returned a follow-up of a kind it does not declare; not stored');
      outcome = { status: 'fail', summary: message, ...(outcome.links ? { links: outcome.links } : {}), ...(outcome.sections ? { sections: outcome.sections } : {}) };
    }
    try {
      if (run.interrupted && task && safety !== 'read') {
        // Back to where this run found it: an interrupted run is not a verdict on the release.
        const restored = previous ?? 'Not Started';
        this.logger.warn({ task, restored }, 'command interrupted by a restart; task status set back');
        await statebox.updateTask(req.release, task, restored, restoredTaskNote(run, restored, log.text()));
      }
      if (task && outcome.recordTask !== false && (outcome.status !== 'info' || outcome.taskStatus)) {
        const status: TaskStatus = outcome.taskStatus ?? (outcome.status === 'pass' ? 'Pass' : outcome.status === 'fail' ? 'Fail' : 'In Progress');
        await this.recordTask(statebox, req.release, task, status, log, outcome);
      }
      if (outcome.watch && store && !dryRun) {
        const report = outcome.watch.report ?? req.slack;
        const w: NewWatch = { ...outcome.watch, release: req.release, report };
        const r = await store.addWatch(w);
        if (!r.created) log.info(`already watching ${r.existing.kind} for ${req.release} (watch ${r.existing.id})`);
        outcome = { ...outcome, watchId: r.created ? r.watch.id : r.existing.id };
      }
    } catch (e) {
      const message = userMessageOf(e);
      log.warn(`could not record the result: ${message}`);
      outcome = { ...outcome, blockers: [...(outcome.blockers ?? []), `The result was not recorded: ${message}`] };
    } finally {
      if (lockInfo && store) {
        // A store outage mid-command: the release is spooled and retried, never stranded.
        if (this.deps.spool) await this.deps.spool.releaseLock(lockInfo);
        else await store.releaseLock(lockInfo.key, { holder: lockInfo.holder }).catch((e: unknown) => this.logger.error({ err: e, lock: lockHeld }, 'lock release failed; another run takes it over once its heartbeat is stale'));
      }
    }
    const durationMs = performance.now() - started;
    const final: AuditEntry = { ...base, event: outcome.status === 'fail' ? 'failure' : 'run', outcome: `${run.interrupted ? 'interrupted' : outcome.status}: ${outcome.summary}`.slice(0, 500), durationMs: Math.round(durationMs) };
    if (this.deps.spool && writes) await this.deps.spool.audit(final);
    else await this.audit(final);
    this.logger.info({ status: outcome.status, durationMs: Math.round(durationMs) }, 'command finished');
    return observe({ kind: 'done', outcome, safety, durationMs, correlationId, log: log.text() });
  }

  /**
   * Renew the lock while the command runs, so other processes see its holder alive. A lock that
   * is no longer ours (taken over after our heartbeat went stale) stops the command: someone else
   * is changing the release now.
   */
  private heartbeat(store: RunnerStore, key: string, holder: string, stop: AbortController): NodeJS.Timeout {
    const timer = setInterval(() => {
      store.extendLock(key, holder, this.deps.config.OAR_LOCK_TTL_MS, this.now()).then(
        (held) => {
          if (held) return;
          this.logger.error({ lock: key }, 'lost the release lock (taken over after a stale heartbeat); stopping the command');
          stop.abort(new Error(`lost the lock on ${key}: another run took it over`));
        },
        // The store is unreachable: keep running; the next beat retries (stale after OAR_LOCK_STALE_MS).
        (e: unknown) => this.logger.warn({ err: e, lock: key }, 'lock heartbeat failed'),
      );
    }, this.deps.config.OAR_LOCK_HEARTBEAT_MS);
    timer.unref();
    return timer;
  }

  private async recordTask(statebox: StateBoxPort, release: string, task: NonNullable<AnyCommand['task']>, status: TaskStatus, log: CommandLog, outcome?: Outcome): Promise<void> {
    log.info(taskStatusLine(task, status));
    const result = outcome ? log.text() : undefined;
    await statebox.updateTask(release, task, status, result);
  }

  /** The StateBox of one run (a per-run read memo where the port offers one). */
  private runStateBox(): RunStateBox {
    return this.deps.statebox.forRun?.() ?? this.deps.statebox;
  }
}

type RunStateBox = StateBoxPort & { readonly service?: StateBoxService };

/** The run's services: `statebox` is the run's StateBox view, so the command's reads share the runner's. */
function runServices(services: Services, statebox: StateBoxService | undefined): Services {
  if (!statebox) return services;
  return {
    get: (name) => (name === 'statebox' ? Promise.resolve(statebox as never /* get<K> is generic: for K = 'statebox' this is ServiceMap['statebox'], which TypeScript cannot narrow K to */) : services.get(name)),
    has: (name) => name === 'statebox' || services.has(name),
  };
}

function deniedMessage(command: string, release: string, safety: Safety, role: Role): string {
  return `You are not allowed to run \`${command}\`${release ? ` on ${release}` : ''}: it needs the ${safety} role and you have ${role}. Ask a release lead to add you to the roles configuration.`;
}

/** The command got `dryRun` from defineCommand (a command that declares its own handles it in `run`). */
function hasGenericDryRun(command: AnyCommand): boolean {
  return (command.options.shape as Record<string, unknown>).dryRun === dryRunOption();
}

/** What a dry run of a command without its own `plan` can say truthfully. */
export function genericPlan(command: AnyCommand, release: string): Plan {
  const changes: Plan['changes'] = command.task ? [{ target: `StateBox task ${command.task}${release ? ` of ${release}` : ''}`, to: 'In Progress, then Pass or Fail' }] : [];
  return {
    summary: `${command.name}${release ? ` on ${release}` : ''} would ${command.summary.charAt(0).toLowerCase()}${command.summary.slice(1)}`,
    changes,
    notes: [`${command.name} has no itemised plan: this dry run checked the options, your role and the release, and changed nothing.`],
  };
}

function planSections(plan: Plan): Outcome['sections'] {
  const sections: NonNullable<Outcome['sections']> = [];
  if (plan.refused) sections.push({ title: 'Refused', lines: [plan.refused] });
  if (plan.changes.length) sections.push({ title: 'Would change', lines: plan.changes.map((c) => `${c.target}: ${c.from ? `${c.from} → ` : ''}${c.to}`) });
  if (plan.notes?.length) sections.push({ title: 'Notes', lines: plan.notes });
  return sections;
}

/** Resolve with the command, or reject when the signal aborts even if the command ignores it. */
async function runWithAbort<T>(fn: () => Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) throw abortError(signal, timeoutMs);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function abortError(signal: AbortSignal, timeoutMs: number): Error {
  const reason = signal.reason as unknown;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new Error(`Command timed out after ${Math.round(timeoutMs / 1000)} s`);
  return new Error('Command was cancelled');
}

export { planSections };
