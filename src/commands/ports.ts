/**
 * What the runner needs from StateBox. The StateBox service implements it; tests and
 * front ends without StateBox use the in-memory version below.
 */
import type { TaskName, TaskStatus } from '../release/tasks.ts';

export interface StateBoxPort {
  /** Where tasks are recorded, for the startup report ("GitHub openshift/release-tests@z-stream", "local ./data/statebox"). */
  readonly description: string;
  updateTask(release: string, task: TaskName, status: TaskStatus, result?: string): Promise<void>;
  getTaskStatus(release: string, task: TaskName): Promise<TaskStatus | null>;
}

/** In-memory StateBox port for tests. */
export class MemoryStateBox implements StateBoxPort {
  readonly description = 'memory';
  readonly updates: { release: string; task: TaskName; status: TaskStatus; result?: string }[] = [];
  private readonly state = new Map<string, TaskStatus>();

  async updateTask(release: string, task: TaskName, status: TaskStatus, result?: string): Promise<void> {
    this.updates.push({ release, task, status, result });
    this.state.set(`${release}/${task}`, status);
  }

  async getTaskStatus(release: string, task: TaskName): Promise<TaskStatus | null> {
    return this.state.get(`${release}/${task}`) ?? null;
  }
}
