/** What `runJob` does (declared in ./run-job.ts; the registry imports this module on its first run). */
import { runJobCommand } from './prow-jobs/jobctl.ts';
import { implement } from './types.ts';
import { runJob } from './run-job.ts';

export default implement(runJob, {
  async run(ctx, o) {
    return runJobCommand(ctx, o);
  },
});
