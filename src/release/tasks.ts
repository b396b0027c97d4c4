/** StateBox task names, display names and statuses (spec oar-commands.md appendix A). */

export const SUPPORTED_TASK_NAMES = [
  'create-test-report',
  'take-ownership',
  'update-bug-list',
  'image-consistency-check',
  'analyze-candidate-build',
  'analyze-promoted-build',
  'check-greenwave-cvp-tests',
  'check-cve-tracker-bug',
  'push-to-cdn-staging',
  'stage-testing',
  'image-signed-check',
  'drop-bugs',
  'change-advisory-status',
] as const;
export type TaskName = (typeof SUPPORTED_TASK_NAMES)[number];

/** Tracked by the result callback and settable via MCP. */
export const WORKFLOW_TASK_NAMES = [
  'take-ownership',
  'image-consistency-check',
  'analyze-candidate-build',
  'analyze-promoted-build',
  'check-cve-tracker-bug',
  'push-to-cdn-staging',
  'stage-testing',
  'image-signed-check',
  'change-advisory-status',
] as const satisfies readonly TaskName[];
export type WorkflowTaskName = (typeof WORKFLOW_TASK_NAMES)[number];

/** The release workflow's steps in the order a release runs them (the keys of TASK_DISPLAY_NAMES). */
export function releaseWorkflowOrder(): string[] {
  return Object.keys(TASK_DISPLAY_NAMES);
}

/** The natural next steps for a release from its task states (the commands to offer, in workflow order). */
export function suggestNext(tasks: { name: string; status: TaskStatus }[]): { label: string; command: string }[] {
  const status = new Map(tasks.map((t) => [t.name, t.status]));
  const order: [string, string][] = [
    ['take-ownership', 'Take ownership'],
    ['check-cve-tracker-bug', 'Check CVE trackers'],
    ['image-consistency-check', 'Image consistency check'],
    ['push-to-cdn-staging', 'Push to CDN staging'],
    ['stage-testing', 'Stage testing'],
    ['image-signed-check', 'Image signed check'],
    ['change-advisory-status', 'Approve release'],
  ];
  const out = [{ label: 'Status', command: 'release-status' }];
  for (const [task, label] of order) {
    const s = status.get(task);
    if (s !== 'Pass' && s !== 'In Progress') {
      out.push({ label, command: task });
      if (out.length >= 3) break;
    }
  }
  return out;
}

export const TASK_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'create-test-report': 'Create Test Report',
  'take-ownership': 'Take Ownership',
  'update-bug-list': 'Update Bug List',
  'image-consistency-check': 'Image Consistency Check',
  'check-greenwave-cvp-tests': 'Check Greenwave CVP Tests',
  'check-cve-tracker-bug': 'Check CVE Tracker Bug',
  'push-to-cdn-staging': 'Push to CDN Staging',
  'stage-testing': 'Stage Testing',
  'image-signed-check': 'Image Signed Check',
  'drop-bugs': 'Drop Bugs',
  'change-advisory-status': 'Change Advisory Status',
};

export const TASK_STATUSES = ['Not Started', 'In Progress', 'Pass', 'Fail'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export function isTaskName(s: string): s is TaskName {
  return (SUPPORTED_TASK_NAMES as readonly string[]).includes(s);
}
export function isWorkflowTask(s: string): s is WorkflowTaskName {
  return (WORKFLOW_TASK_NAMES as readonly string[]).includes(s);
}

/** Unknown task names are used verbatim (analyze-* have no mapping). */
export function displayName(task: string): string {
  return TASK_DISPLAY_NAMES[task] ?? task;
}

/** A task's name for people: its display name, else the id in title case (`analyze-candidate-build` → `Analyze Candidate Build`). */
export function humanTaskName(task: string): string {
  return TASK_DISPLAY_NAMES[task] ?? task.split('-').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
}

/** The load-bearing line AI agents and StateBox parsing depend on. */
export function taskStatusLine(task: string, status: TaskStatus): string {
  return `task [${displayName(task)}] status is changed to [${status}]`;
}

/** Errata advisory states (A.4). */
export const ADVISORY_STATES = ['NEW_FILES', 'QE', 'REL_PREP', 'PUSH_READY', 'IN_PUSH', 'SHIPPED_LIVE', 'DROPPED_NO_SHIP'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

/** Jira QE subtask summaries (A.5, exact match). */
export const QE_SUBTASKS = {
  relPrep: '[Fri/Mon] QE moves advisories to REL_PREP',
  verification: '[Wed-Fri] QE does release verification',
  onQaNotify: '[Mon-Wed] QE notifies ON_QA bugzilla owners and analyze ci failures',
} as const;

/** Jira custom fields (A.6): the ids are the Jira client's, named here with the other release constants. */
export { JIRA_FIELDS } from '../integrations/jira/fields.ts';
