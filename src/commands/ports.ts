/**
 * What the runner needs from StateBox. The StateBox service implements it; tests and
 * front ends without StateBox use the in-memory version below.
 */
import type { TaskName, TaskStatus } from '../release/tasks.ts';
import type { StateBoxService } from '../release/statebox/index.ts';

export interface StateBoxPort {
  /** Where tasks are recorded, for the startup report ("GitHub openshift/release-tests@z-stream", "local ./data/statebox"). */
  readonly description: string;
  updateTask(release: string, task: TaskName, status: TaskStatus, result?: string): Promise<void>;
  getTaskStatus(release: string, task: TaskName): Promise<TaskStatus | null>;
  /**
   * The port for one command run, which the run's StateBox reads share: one read of the release's
   * StateBox serves the run (StateBoxService.forRun). `service` is the same view, which the run's
   * `ctx.services.get('statebox')` returns. Absent: the run uses this port as it is.
   */
  forRun?(): StateBoxPort & { readonly service?: StateBoxService };
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

/** Who runs a command (every front end names its caller so). */
export interface Actor {
  /** Slack user id, `cli:<user>`, `mcp:<client>` or `job:<name>`. */
  id: string;
  name?: string;
  via: 'slack' | 'cli' | 'mcp' | 'job';
}

/**
 * What the `jobs`, `jira-notificator` and `start-release-detector` commands need of the process's
 * job scheduler (src/jobs/scheduler.ts `JobScheduler` implements it; the member names are the
 * scheduler's). Commands do not import jobs/: the scheduler is handed to the registry.
 */
export interface SchedulerPort {
  /** This replica's name. */
  readonly owner: string;
  list(): Promise<ScheduledJobStatus[]>;
  /** The job of this name, if there is one (only its presence matters here). */
  job(name: string): object | undefined;
  names(): string[];
  /** Run a job now (a manual run): takes the lease unless it is a dry run. */
  runNow(name: string, opts?: { dryRun?: boolean; params?: Record<string, unknown>; actor?: Actor; signal?: AbortSignal }): Promise<ScheduledJobRun>;
}

/** A scheduled job as `jobs` lists it (`JobStatus` of the scheduler). */
export interface ScheduledJobStatus {
  name: string;
  description: string;
  schedule: string;
  scheduleVar?: string;
  timezone: string;
  /** Next fire time of the schedule (also when jobs are disabled in this process). */
  nextRun: Date | null;
  lastRun?: { startedAt: Date; endedAt?: Date; outcome?: JobRunOutcome; counts?: Record<string, number>; error?: string; owner?: string };
  /** Running in this process right now. */
  running: boolean;
  /** The replica holding the lease, when one does. */
  leaseHolder?: string;
  failing?: { failures: number; since: string };
}

export type JobRunOutcome = 'ok' | 'failed' | 'skipped';

/** The result of a manual run (`JobRunResult` of the scheduler). */
export interface ScheduledJobRun {
  job: string;
  outcome: JobRunOutcome;
  dryRun: boolean;
  report?: { summary: string; counts?: Record<string, number>; lines?: string[]; links?: { label: string; url: string }[]; error?: string; data?: unknown };
  error?: string;
  runId?: number;
}

/** The process's scheduler when it has one (a terminal without jobs has none). */
export type SchedulerRef = () => SchedulerPort | undefined;

/**
 * What the MCP tools read from StateBox beyond the StateBoxPort: the whole stored document. The
 * StateBox service (`StateBoxService.get`) satisfies it as is; tests use a fake.
 */
export interface ReleaseStatusReader {
  /** The release's stored StateBox document, or null when the release has none yet. */
  get(release: string): Promise<{ state: Record<string, unknown>; location?: string } | null>;
}
