/** What `startController` does (declared in ./start-controller.ts; the registry imports this module on its first run). */
import { startControllerCommand } from './prow-jobs/jobctl.ts';
import { implement } from './types.ts';
import { startController } from './start-controller.ts';

export default implement(startController, {
  async run(ctx, o) {
    const kind = o.stable || !o.nightly ? 'stable' : 'nightly';
    return startControllerCommand(ctx, { stream: { ystream: ctx.release, kind, arch: o.arch }, triggerProwJob: o.triggerProwJob });
  },
});
