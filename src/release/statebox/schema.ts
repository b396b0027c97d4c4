/**
 * The StateBox document (spec oar-commands.md 5.2, schema_version "1.0").
 * Loading is lenient where real files are (unknown task names, extra keys are kept);
 * writes are validated by the operations.
 */
import { z } from 'zod';
import { TASK_STATUSES } from '../tasks.ts';

export const SCHEMA_VERSION = '1.0';

const timestamp = z.string().min(1);

export const taskEntrySchema = z.looseObject({
  name: z.string().min(1),
  status: z.enum(TASK_STATUSES),
  started_at: timestamp.nullable().default(null),
  completed_at: timestamp.nullable().default(null),
  result: z.string().nullable().default(null),
});

export const issueEntrySchema = z.looseObject({
  issue: z.string(),
  reported_at: timestamp,
  resolved: z.boolean().default(false),
  resolution: z.string().nullable().default(null),
  blocker: z.boolean().default(true),
  related_tasks: z.array(z.string()).nullable().default([]).transform((v) => v ?? []),
  resolved_at: timestamp.nullable().optional(),
});

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
  metadata: metadataSchema.nullable().default({}).transform((m) => m ?? {}),
  tasks: z.array(taskEntrySchema).nullable().default([]).transform((t) => t ?? []),
  issues: z.array(issueEntrySchema).nullable().default([]).transform((i) => i ?? []),
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
