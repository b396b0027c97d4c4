/**
 * The test-result record (agents.md 6.6): `{ result: [...], build: {...}, aggregated?, accepted?,
 * manual_promotion? }`. Parsing keeps every key it does not know (the file is rewritten as a
 * whole), and serialising is the original's: pretty JSON, indent 2.
 */
import { z } from 'zod';
import { ReleaseBuildSchema, type ReleaseBuild } from '../../integrations/release-controller.ts';
import type { ProwJobInfo } from '../../integrations/prow.ts';
import { CommandError } from '../errors.ts';

export const JobRunSchema = z.looseObject({
  jobID: z.string().min(1),
  jobURL: z.string().nullish(),
  jobState: z.string().nullish(),
  jobStartTime: z.string().nullish(),
  jobCompletionTime: z.string().nullish(),
  testResultSummary: z.unknown().optional(),
});
export type JobRun = z.infer<typeof JobRunSchema>;

export const ResultEntrySchema = z.looseObject({
  jobName: z.string().min(1),
  firstJob: JobRunSchema,
  retriedJobs: z.array(JobRunSchema).nullish(),
});
export type ResultEntry = z.infer<typeof ResultEntrySchema>;

export const TestResultRecordSchema = z.looseObject({
  result: z.array(ResultEntrySchema),
  build: ReleaseBuildSchema,
  aggregated: z.boolean().optional(),
  accepted: z.boolean().optional(),
  manual_promotion: z.boolean().optional(),
});
export type TestResultRecord = z.infer<typeof TestResultRecordSchema>;

export class RecordError extends CommandError {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

export function parseRecord(text: string, file: string): TestResultRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RecordError(`Error decoding JSON in file ${file}`);
  }
  const parsed = TestResultRecordSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RecordError(`${file} is not a test-result record (${issue?.path.join('.') || 'top level'}: ${issue?.message})`);
  }
  return parsed.data;
}

/** Pretty JSON with indent 2, as the original wrote it. */
export function serialiseRecord(record: TestResultRecord): string {
  return JSON.stringify(record, null, 2);
}

export function newRecord(build: ReleaseBuild, result: ResultEntry[]): TestResultRecord {
  return { result, build };
}

/**
 * A refreshed Prow record as it is stored in a result file: null-valued keys dropped and
 * `jobName` removed (6.6). A QE summary already stored is kept.
 */
export function storedRun(info: ProwJobInfo, previous?: JobRun): JobRun {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) {
    if (k === 'jobName' || v === null || v === undefined) continue;
    out[k] = v;
  }
  if (previous?.testResultSummary !== undefined) out.testResultSummary = previous.testResultSummary;
  return out as JobRun;
}

/** The state file's content: the latest build as the release controller sent it. */
export function parseStateFile(text: string): ReleaseBuild | null {
  try {
    const parsed = ReleaseBuildSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
