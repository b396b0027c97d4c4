/**
 * `jobctl start-aggregator [--arch A]` (agents.md 6.7): one aggregator pass over the arch's
 * test-result records: refresh runs, retry failed required jobs, decide QE acceptance, label
 * accepted payloads, post the verdict, delete records of recycled nightlies.
 */
import { ARCHES } from '../integrations/release-controller/constants.ts';
import { declareCommand } from './types.ts';

export const startAggregator = declareCommand({
  name: 'start-aggregator',
  group: 'jobctl',
  summary: "Aggregate the Prow test results of an architecture's builds once (retries, QE acceptance, payload labels)",
  examples: ['jobctl start-aggregator', 'jobctl start-aggregator --arch arm64'],
  safety: 'write',
  scope: 'none',
  options: (z) => z.object({
    arch: z.enum(ARCHES).default('amd64').describe('Architecture'),
  }),
});
