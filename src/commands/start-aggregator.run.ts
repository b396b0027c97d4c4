/** What `startAggregator` does (declared in ./start-aggregator.ts; the registry imports this module on its first run). */
import { startAggregatorCommand } from './prow-jobs/jobctl.ts';
import { implement } from './types.ts';
import { startAggregator } from './start-aggregator.ts';

export default implement(startAggregator, {
  async run(ctx, o) {
    return startAggregatorCommand(ctx, o);
  },
});
