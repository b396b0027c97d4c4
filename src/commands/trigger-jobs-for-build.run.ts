/** What `triggerJobsForBuild` does (declared in ./trigger-jobs-for-build.ts; the registry imports this module on its first run). */
import { triggerJobsForBuildCommand } from './prow-jobs/jobctl.ts';
import { implement } from './types.ts';
import { triggerJobsForBuild } from './trigger-jobs-for-build.ts';

export default implement(triggerJobsForBuild, {
  async run(ctx, o) {
    return triggerJobsForBuildCommand(ctx, o);
  },
});
