/**
 * `unlock`: release the release's lock by hand. A lock whose holder is alive (fresh heartbeat)
 * is refused with who holds it, since when and the heartbeat's age; `--force` releases it anyway
 * and then needs the critical role (and its confirmation) and a `--reason`. Both are audited.
 * A lock whose holder stopped heartbeating is released with the write role (the next run would
 * take it over anyway).
 */
import { declareCommand } from './types.ts';

export const unlock = declareCommand({
  name: 'unlock',
  group: 'oar',
  summary: "Release the release's lock when its holder is gone; --force (critical, audited, with --reason) when it is not",
  examples: ['/oar 4.19.1 unlock', 'oar -r 4.19.1 unlock', 'oar -r 4.19.1 unlock --force --reason "holder host is being drained" --yes'],
  options: (z) => z.object({
    force: z.boolean().default(false).describe('Release the lock even though its holder is alive (critical role, needs --reason)'),
    reason: z.string().max(500).optional().describe('Why the lock is forced open (recorded in the audit log)'),
  }),
  safety: (o) => (o.force ? 'critical' : 'write'),
  scope: 'zstream',
  noLock: true,
});
