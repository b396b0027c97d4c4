/**
 * The StateBox document (spec oar-commands.md 5.2, schema_version "1.0").
 * Loading is lenient where real files are (unknown task names, extra keys are kept) and strict
 * about structure: every key the writer always writes must be there. A file cut short at a line
 * boundary still parses as YAML; requiring `metadata`, `tasks`, `issues` and every field of each
 * entry is what tells it from a real document, so it is refused instead of being rewritten
 * with whatever survived. Writes are validated by the operations.
 */
import { z } from 'zod';
import { TASK_STATUSES } from '../tasks.ts';

export const SCHEMA_VERSION = '1.0';

const timestamp = z.string().min(1);

export const taskEntrySchema = z.looseObject({
  name: z.string().min(1),
  status: z.enum(TASK_STATUSES),
  started_at: timestamp.nullable(),
  completed_at: timestamp.nullable(),
  result: z.string().nullable(),
});

export const issueEntrySchema = z.looseObject({
  issue: z.string(),
  reported_at: timestamp,
  resolved: z.boolean(),
  resolution: z.string().nullable(),
  blocker: z.boolean(),
  related_tasks: z.array(z.string()).nullable().transform((v) => v ?? []),
  resolved_at: timestamp.nullable().optional(),
}).refine((i) => !i.resolved || typeof i.resolved_at === 'string', { message: 'a resolved issue has resolved_at', path: ['resolved_at'] });

export const metadataSchema = z.looseObject({
  jira_ticket: z.string().nullable().optional(),
  advisory_ids: z.record(z.string(), z.number().int()).nullable().optional(),
  release_date: z.string().nullable().optional(),
  candidate_builds: z.record(z.string(), z.string()).nullable().optional(),
  shipment_mr: z.string().nullable().optional(),
});

export const stateBoxSchema = z.looseObject({
  schema_version: z.literal(SCHEMA_VERSION),
  release: z.string().min(1),
  created_at: timestamp,
  updated_at: timestamp,
  metadata: metadataSchema,
  tasks: z.array(taskEntrySchema),
  issues: z.array(issueEntrySchema),
});

export type TaskEntry = z.output<typeof taskEntrySchema>;
export type IssueEntry = z.output<typeof issueEntrySchema>;
export type StateBoxMetadata = z.output<typeof metadataSchema>;
export type StateBoxState = z.output<typeof stateBoxSchema>;

/** Release metadata as ConfigStore provides it (the `oar_get_release_metadata` shape). */
export interface ReleaseMetadataInput {
  release: string;
  advisories?: Record<string, number> | null;
  jira_ticket?: string | null;
  candidate_builds?: Record<string, string> | null;
  shipment_mr?: string | null;
  release_date?: string | null;
}
