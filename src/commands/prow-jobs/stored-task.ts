/** The StateBox entry of a command's task, status and result (the runner's port only knows the status). */
import type { TaskName } from '../../release/tasks.ts';
import type { CommandContext } from '../types.ts';
import type { StoredTask } from './task-record.ts';

export async function storedTask(ctx: CommandContext, task: TaskName): Promise<StoredTask | null> {
  if (ctx.services.has('statebox')) {
    const statebox = await ctx.services.get('statebox');
    const entry = await statebox.getTask(ctx.release, task);
    return entry ? { status: entry.status, result: entry.result ?? null } : null;
  }
  const status = await ctx.statebox.getTaskStatus(ctx.release, task);
  return status ? { status, result: null } : null;
}
