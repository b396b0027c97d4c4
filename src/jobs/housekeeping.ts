/**
 * Store housekeeping: drop expired delivery-dedup keys, pending confirmations, locks and
 * leases, so the tables the hot paths read stay small. Audit rows are kept.
 */
import type { Store } from '../store/types.ts';
import { defineJob } from './declare.ts';
import type { JobDefinition } from './types.ts';

export const HOUSEKEEPING_JOB = 'housekeeping';

export const housekeeping = defineJob<Pick<Store, 'purgeExpired'>>({
  name: HOUSEKEEPING_JOB,
  description: 'Drop expired dedup keys, pending confirmations, locks and leases from the operational store',
  schedule: { cron: '17 * * * *' },
  lease: {},
  deps: ({ store }) => store,
  async run(ctx, store) {
    if (ctx.dryRun) return { summary: 'dry run: would purge expired dedup keys, confirmations, locks and leases' };
    const counts = await store.purgeExpired(ctx.now());
    const total = counts.dedup + counts.pendings + counts.locks + counts.leases;
    return { summary: `purged ${total} expired row${total === 1 ? '' : 's'}`, counts: { ...counts } };
  },
});

export function housekeepingJob(store: Pick<Store, 'purgeExpired'>): JobDefinition {
  return housekeeping.with(store, {});
}
