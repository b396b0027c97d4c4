/**
 * What a front end hands the runner (RunRequest) and what it gets back (RunResult): the run's
 * result types, apart from the runner so the approval lifecycle and the views can name them
 * without importing the pipeline. They are declared in the command contract (types.ts), since a
 * follow-up's dependencies (FollowUpDeps) run commands too and a cycle is not allowed.
 */
export type { RunRequest, RunResult } from './types.ts';
