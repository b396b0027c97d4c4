/** StateBox: per-release workflow state (spec oar-commands.md section 5). */
export { createStateBoxService, type StateBoxServiceDeps } from './factory.ts';
export { StateBoxService, StateBoxHandle, type StateBoxDocument, type StateBoxServiceOptions, type StateBoxWriteEvent, type UpdateTaskResult } from './service.ts';
export type { StateBoxBackend, StoredStateBox, WriteOptions } from './backend.ts';
export { stateBoxRelativePath } from './backend.ts';
export { GitHubStateBoxBackend } from './github-backend.ts';
export { LocalStateBoxBackend } from './local-backend.ts';
export { StateBoxError, StateBoxConflictError, type StateBoxErrorKind } from './errors.ts';
export { SCHEMA_VERSION, stateBoxSchema, type StateBoxState, type TaskEntry, type IssueEntry, type StateBoxMetadata, type ReleaseMetadataInput } from './schema.ts';
export { parseStateBoxYaml, parseStateBoxDocument, serializeStateBox, toDocument } from './yaml.ts';
export { mergeStates } from './merge.ts';
export { maskSensitiveData, EMAIL_REDACTED } from './mask.ts';
export { extractStartTimestamp, extractEndTimestamp, isoSeconds } from './timestamps.ts';
export {
  createDefaultState,
  validateTaskName,
  validateTaskStatus,
  validateIssueText,
  applyUpdateTask,
  applyAddIssue,
  applyResolveIssue,
  applyUpdateMetadata,
  findIssueToResolve,
  taskStatusOf,
  taskBlocker,
  filterIssues,
  generalBlockers,
  statusView,
  type IssueFilter,
  type StateBoxStatusView,
  type TaskStatusView,
  type UpdateTaskOptions,
  type AddIssueOptions,
  type AddIssueOutcome,
} from './operations.ts';
