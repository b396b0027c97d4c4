/**
 * One DataWarehouse message in, at most one ready-for-test message out.
 *
 * The order follows the README: screen the message (object type, status), drop retriggered /
 * foreign / invalid / build-less / stale checkouts, then route, compute the overall status,
 * build and validate the message, deduplicate, publish. Decisions live in the pure modules
 * (message, filters, routing, overall-status, ready-for-test); this module only loads data and
 * applies them. Messages about the same checkout are processed one after the other.
 */
import type { DataWarehouseReader, DwBuild, DwCheckout, DwIssueOccurrence, DwTest } from '../../integrations/datawarehouse.ts';
import type { Logger } from '../../log.ts';
import { PermanentError, PublishOutcomeUnknownError, inStage } from './errors.ts';
import { filterBuilds, filterCheckout, filterMessageObject, filterStale, mergeRequestUrlOf, type Verdict } from './filters.ts';
import type { NotificationLedger } from './ledger.ts';
import type { MergeRequestLookup, MergeRequestState } from './merge-request.ts';
import { decodeBody, screenMessage, type CheckoutMessage } from './message.ts';
import type { NotifierMetrics } from './metrics.ts';
import { computeOverallStatus, type StatusResult } from './overall-status.ts';
import type { ReadyForTestPublisher } from './publisher.ts';
import { buildReadyForTest, testableBuilds, validateReadyForTest, type ReadyForTestMessage } from './ready-for-test.ts';
import { mayNeedTests, retriageAllows, routeMessage } from './routing.ts';
import { notificationKey, type MessageKind, type OverallStatus, type RouteName, type SkipReason } from './types.ts';
import { serialByKey } from '../../limit.ts';
import { loadCheckoutData, type CheckoutData } from './checkout-data.ts';

export type Outcome =
  | {
      result: 'sent';
      checkoutId: string;
      route: RouteName;
      kind: MessageKind;
      status: OverallStatus;
      key: string;
      /** false outside production: the message was logged, not published. */
      published: boolean;
      message: ReadyForTestMessage;
    }
  | { result: 'skipped'; reason: SkipReason; detail: string; checkoutId?: string; messageStatus?: string }
  | {
      result: 'dry_run';
      checkoutId: string;
      route: RouteName;
      kind: MessageKind;
      status: OverallStatus;
      key: string;
      alreadySent: boolean;
      message: ReadyForTestMessage;
    };

export interface ProcessorDeps {
  datawarehouse: DataWarehouseReader;
  mergeRequests: MergeRequestLookup;
  ledger: NotificationLedger;
  publisher: ReadyForTestPublisher;
  logger: Logger;
  metrics: NotifierMetrics;
  /** CKI_DEPLOYMENT_ENVIRONMENT; only `production` publishes (the publisher is a logger otherwise). */
  environment: string;
  /** Optional Slack notice for post-test fail (CKI_FAIL_CHANNEL); failures are logged, never retried. */
  notify?: (text: string) => Promise<void>;
  /** Parallel test listings per checkout. */
  testListConcurrency?: number;
}


export class NotificationProcessor {
  private readonly deps: ProcessorDeps;
  /** Messages of one checkout are processed one after the other. */
  private readonly perCheckout = serialByKey<string>();

  constructor(deps: ProcessorDeps) {
    this.deps = deps;
  }

  /**
   * Throws PermanentError for a message that can never be processed, ClaimHeldError when another
   * replica is publishing the same notification, StageError for anything transient.
   */
  async process(body: Buffer | string | Record<string, unknown>, opts: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<Outcome> {
    const { metrics } = this.deps;
    const started = performance.now();
    let label = 'error';
    try {
      const outcome = await this.processInner(body, opts);
      label = outcome.result;
      return outcome;
    } finally {
      metrics.processing.observe({ outcome: label }, (performance.now() - started) / 1000);
    }
  }

  private async processInner(body: Buffer | string | Record<string, unknown>, opts: { dryRun?: boolean; signal?: AbortSignal }): Promise<Outcome> {
    let value: unknown = body;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const decoded = decodeBody(body);
      if (!decoded.ok) {
        this.deps.metrics.received.inc({ status: 'malformed' });
        throw new PermanentError('malformed', decoded.detail);
      }
      value = decoded.value;
    }
    const screened = screenMessage(value);
    const statusLabel = screened.kind === 'accept' ? screened.message.status : screened.kind === 'skip' ? (screened.status ?? 'unknown') : 'malformed';
    this.deps.metrics.received.inc({ status: statusLabel });
    if (screened.kind === 'malformed') throw new PermanentError('malformed', screened.detail);
    if (screened.kind === 'skip') return this.skip(screened.reason, screened.detail, screened.checkoutId, screened.status);
    const message = screened.message;
    const pre = filterMessageObject(message);
    if (!pre.pass) return this.skip(pre.reason, pre.detail, message.checkoutId, message.status);
    return this.perCheckout.run(message.checkoutId, () => this.processCheckout(message, opts));
  }

  private async processCheckout(message: CheckoutMessage, opts: { dryRun?: boolean; signal?: AbortSignal }): Promise<Outcome> {
    const { datawarehouse, mergeRequests } = this.deps;
    const signal = opts.signal;
    const id = message.checkoutId;
    const skipIf = (v: Verdict) => (v.pass ? undefined : this.skip(v.reason, v.detail, id, message.status));

    const data = await inStage('datawarehouse', () =>
      loadCheckoutData(datawarehouse, id, { signal, needsTests: mayNeedTests(message.status), testListConcurrency: this.deps.testListConcurrency ?? 4 }),
    );
    if (!data) return this.skip('checkout_not_found', `DataWarehouse does not know checkout ${id}`, id, message.status);
    const { checkout } = data;
    const dropped = skipIf(filterCheckout(checkout));
    if (dropped) return dropped;

    const builds = await inStage('datawarehouse', () => data.builds());
    const noBuilds = skipIf(filterBuilds(checkout.id, builds));
    if (noBuilds) return noBuilds;

    const mrUrl = mergeRequestUrlOf(checkout);
    let mr: MergeRequestState | undefined;
    if (mrUrl) mr = await inStage('gitlab', () => mergeRequests.get(mrUrl, signal));
    const stale = skipIf(filterStale(checkout, mr));
    if (stale) return stale;

    const route = routeMessage({ status: message.status, checkoutMisc: checkout.misc, outcomeChanged: message.outcomeChanged });
    if ('skip' in route) return this.skip(route.skip, route.detail, id, message.status);

    const announced = testableBuilds(builds);
    let status: OverallStatus;
    let verdict: StatusResult | undefined;
    if (route.kind === 'pre_test') {
      if (announced.length === 0) return this.skip('no_successful_builds', `checkout ${id} has no successful build with packages`, id, message.status);
      status = 'success';
    } else {
      verdict = await this.overallStatus(data, builds);
      status = verdict.status;
      if (route.route === 'retriage') {
        const allowed = retriageAllows(status);
        if (!allowed.allowed) return this.skip(allowed.skip, allowed.detail, id, message.status);
      }
    }

    const candidate = buildReadyForTest({
      checkout,
      builds: announced,
      kind: route.kind,
      status,
      ...(mrUrl && mr ? { mergeRequest: { url: mrUrl, draft: mr.draft, ...(mr.jiraIssues ? { jiraIssues: mr.jiraIssues } : {}) } } : {}),
    });
    const valid = validateReadyForTest(candidate);
    if (!valid.ok) throw new PermanentError('invalid_ready_for_test', `ready-for-test message for checkout ${id} is invalid: ${valid.detail}`);
    const key = notificationKey(checkout.id, route.kind, status);

    if (opts.dryRun) {
      const alreadySent = (await inStage('store', () => this.deps.ledger.wasSent(key))) !== undefined;
      return { result: 'dry_run', checkoutId: checkout.id, route: route.route, kind: route.kind, status, key, alreadySent, message: valid.message };
    }
    return this.deliver({ checkout, messageStatus: message.status, route: route.route, kind: route.kind, status, key, message: valid.message, verdict });
  }

  /**
   * Issue occurrences only triage failures (they take FAIL/ERROR/MISS results out of the count),
   * so they are asked for only when a counted build or test failed: walking, a passing checkout
   * costs one DataWarehouse call less, and the verdict is the same (the tree usually carries them).
   */
  private async overallStatus(data: CheckoutData, builds: DwBuild[]): Promise<StatusResult> {
    const occurrences = () => inStage('datawarehouse', () => data.issueOccurrences());
    const input = { checkoutOrigin: data.checkout.origin, builds, tests: [] as DwTest[], issueOccurrences: [] as DwIssueOccurrence[] };
    // A failing build is known before the tests: read its occurrences alongside them.
    const early = computeOverallStatus(input).status !== 'success' ? occurrences() : undefined;
    early?.catch(() => undefined);
    input.tests = await inStage('datawarehouse', () => data.tests(builds));
    if (!early) {
      const untriaged = computeOverallStatus(input);
      if (untriaged.status === 'success') return untriaged;
    }
    input.issueOccurrences = await (early ?? occurrences());
    return computeOverallStatus(input);
  }

  private async deliver(d: {
    checkout: DwCheckout;
    messageStatus: string;
    route: RouteName;
    kind: MessageKind;
    status: OverallStatus;
    key: string;
    message: ReadyForTestMessage;
    verdict: StatusResult | undefined;
  }): Promise<Outcome> {
    const { ledger, publisher, logger, metrics, environment } = this.deps;
    const id = d.checkout.id;
    const previous = await inStage('store', () => ledger.claimUnlessSent(d.key));
    if (previous) return this.skip('duplicate', `${d.kind} ${d.status} for checkout ${id} was already sent at ${previous.at}`, id, d.messageStatus);
    await inStage('publish', async () => {
      try {
        await publisher.publish(d.message, { key: d.key, checkoutId: id, kind: d.kind, status: d.status });
      } catch (e) {
        if (e instanceof PublishOutcomeUnknownError) {
          metrics.uncertain.inc();
          logger.warn({ checkoutId: id, key: d.key, err: e }, 'publish outcome unknown: the retry may deliver this notification twice (same message id)');
        }
        throw e;
      }
    });
    await inStage('store', () => ledger.recordSent(d.key, { at: new Date().toISOString(), route: d.route, environment }));
    metrics.sent.inc({ kind: d.route, status: d.status });
    logger.info(
      { checkoutId: id, route: d.route, kind: d.kind, status: d.status, builds: d.message.build_info.length, target: publisher.target },
      `ready-for-test ${d.kind} ${d.status} for checkout ${id} ${publisher.target === 'log' ? 'logged' : 'published'}`,
    );
    if (d.kind === 'post_test' && d.status === 'fail' && this.deps.notify) await this.noticeFail(d.checkout, d.message, d.verdict);
    return { result: 'sent', checkoutId: id, route: d.route, kind: d.kind, status: d.status, key: d.key, published: publisher.target !== 'log', message: d.message };
  }

  private async noticeFail(checkout: DwCheckout, message: ReadyForTestMessage, verdict: StatusResult | undefined): Promise<void> {
    const untriaged = verdict?.untriaged ?? [];
    const shown = untriaged.slice(0, 5).join(', ');
    const more = untriaged.length > 5 ? ` and ${untriaged.length - 5} more` : '';
    const text =
      `CKI post-test result for checkout ${checkout.id} (${message.tree_name}) is fail` +
      (untriaged.length ? `: untriaged ${shown}${more}` : '') +
      `. Pipeline: ${message.run.url}`;
    try {
      await this.deps.notify?.(text);
    } catch (e) {
      // The ready-for-test message is out; a failed Slack notice must not republish it.
      this.deps.metrics.errors.inc({ stage: 'notify' });
      this.deps.logger.warn({ err: e, checkoutId: checkout.id }, 'posting the CKI fail notice failed');
    }
  }

  private skip(reason: SkipReason, detail: string, checkoutId?: string, messageStatus?: string): Outcome {
    this.deps.metrics.skipped.inc({ reason });
    this.deps.logger.info({ checkoutId, reason, messageStatus }, `message skipped: ${detail}`);
    return { result: 'skipped', reason, detail, ...(checkoutId ? { checkoutId } : {}), ...(messageStatus ? { messageStatus } : {}) };
  }
}
