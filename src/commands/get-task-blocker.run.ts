/** What `getTaskBlocker` does (declared in ./get-task-blocker.ts; the registry imports this module on its first run). */
import { getTaskBlocker as firstBlocker } from './blockers.ts';
import { getTaskBlocker } from './get-task-blocker.ts';
import { implement } from './types.ts';

export default implement(getTaskBlocker, {
  run: (ctx, o) => firstBlocker(ctx, o.taskName),
});
