/** What `payloadImageConsistencyCheck` does (declared in ./payload-image-consistency-check.ts; the registry imports this module on its first run). */
import { runPayloadConsistencyCheck } from './prow-jobs/payload-consistency.ts';
import { implement } from './types.ts';
import { payloadImageConsistencyCheck } from './payload-image-consistency-check.ts';

export default implement(payloadImageConsistencyCheck, {
  async run(ctx, o) {
    return runPayloadConsistencyCheck(ctx, o);
  },
});
