/** What `updateRetriedJobRun` does (declared in ./update-retried-job-run.ts; the registry imports this module on its first run). */
import { updateRetriedJobRunCommand, updateRetriedJobRunPlan } from './prow-jobs/recovery.ts';
import { implement } from './types.ts';
import { updateRetriedJobRun } from './update-retried-job-run.ts';

export default implement(updateRetriedJobRun, {
  async plan(ctx, o) {
    return updateRetriedJobRunPlan(ctx, o);
  },
  async run(ctx, o) {
    return updateRetriedJobRunCommand(ctx, o);
  },
});
