/** What `promoteTestResults` does (declared in ./promote-test-results.ts; the registry imports this module on its first run). */
import { promoteTestResultsCommand, promoteTestResultsPlan } from './prow-jobs/recovery.ts';
import { implement } from './types.ts';
import { promoteTestResults } from './promote-test-results.ts';

export default implement(promoteTestResults, {
  async plan(ctx, o) {
    return promoteTestResultsPlan(ctx, o);
  },
  async run(ctx, o) {
    return promoteTestResultsCommand(ctx, o);
  },
});
