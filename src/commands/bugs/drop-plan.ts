/**
 * Which bugs drop-bugs removes, and why the others stay (spec 11.2, 11.3, edge case 8). Pure.
 *
 * Classification (edge case 8, `get_high_severity_and_can_drop_issues`): Verified and Closed are
 * done; any other status (ON_QA, New, ASSIGNED, POST, MODIFIED, Release Pending) is `high` when
 * the bug is a CVE tracker, critical (priority Critical/Blocker, label TestBlocker, Release
 * Blocker Approved/Proposed) or has customer cases, else `can-drop`.
 *
 * Decision: a bug is dropped only when it is not finished (Verified/Closed/Release Pending), not
 * a CVE tracker, readable by the Jira token, and not high severity. The original dropped
 * critical and customer-case bugs from advisories although its README promised they would only
 * be confirmed (defect 13); here they are kept and listed for a human to decide.
 */
import { highSeverityReasons, isCveTracker, isFinished, isVerifiedOrClosed } from '../../integrations/jira/classify.ts';
import type { JiraIssue } from '../../integrations/jira/model.ts';
import type { Plan } from '../types.ts';

export type Classification = 'high' | 'can-drop' | 'done' | 'unreadable';

export interface BugDecision {
  key: string;
  status: string | null;
  classification: Classification;
  action: 'drop' | 'keep';
  /** Why (shown in the plan and the outcome). */
  reason: string;
  highSeverity: boolean;
}

/** Edge case 8 for one issue; `undefined` means Jira did not return it (403 security bug, unknown key). */
export function classifyBug(issue: JiraIssue | undefined): Classification {
  if (!issue) return 'unreadable';
  if (isVerifiedOrClosed(issue.status)) return 'done';
  return highSeverityReasons(issue).length > 0 ? 'high' : 'can-drop';
}

export function decideBug(key: string, issue: JiraIssue | undefined): BugDecision {
  const classification = classifyBug(issue);
  const base = { key, status: issue?.status ?? null, classification, highSeverity: classification === 'high' };
  if (!issue) return { ...base, action: 'keep', reason: 'not readable with the Jira token (a security bug?): never dropped' };
  const reasons = highSeverityReasons(issue);
  if (isFinished(issue.status)) return { ...base, action: 'keep', reason: `${issue.status}: already finished${classification === 'high' ? ` (high severity: ${reasons.join(', ')})` : ''}` };
  if (isCveTracker(issue)) return { ...base, action: 'keep', reason: `${issue.status} CVE tracker: CVE trackers are never dropped` };
  if (reasons.length > 0) return { ...base, action: 'keep', reason: `${issue.status}, high severity (${reasons.join(', ')}): drop it by hand if it can go` };
  return { ...base, action: 'drop', reason: `${issue.status}, not verified` };
}

export type DropSource = { kind: 'advisory'; id: number; impetus: string; url: string } | { kind: 'shipment'; url: string; iid: number };

export interface SourcePlan {
  source: DropSource;
  drop: BugDecision[];
  keep: BugDecision[];
}

export interface DropPlan {
  sources: SourcePlan[];
  /** Keys dropped somewhere, in order, once each. */
  dropKeys: string[];
  /** High-severity bugs kept for a human decision (CVE trackers included, as in message #9). */
  highSeverityKept: string[];
  /** Every classification, once per key (edge case 8). */
  classification: Record<string, Classification>;
}

export function describeSource(s: DropSource): string {
  return s.kind === 'advisory' ? `advisory ${s.id} (${s.impetus})` : `shipment MR !${s.iid}`;
}

export function planDrops(sources: readonly { source: DropSource; keys: readonly string[] }[], issues: ReadonlyMap<string, JiraIssue>): DropPlan {
  const out: SourcePlan[] = [];
  const dropKeys = new Set<string>();
  const high = new Set<string>();
  const classification: Record<string, Classification> = {};
  for (const { source, keys } of sources) {
    const plan: SourcePlan = { source, drop: [], keep: [] };
    for (const key of keys) {
      const d = decideBug(key, issues.get(key));
      classification[key] = d.classification;
      if (d.action === 'drop') {
        plan.drop.push(d);
        dropKeys.add(key);
      } else {
        plan.keep.push(d);
        if (d.highSeverity) high.add(key);
      }
    }
    out.push(plan);
  }
  return { sources: out, dropKeys: [...dropKeys], highSeverityKept: [...high], classification };
}

/** The confirmation step's view: one change per bug and source, one note per kept bug. */
export function toPlan(release: string, plan: DropPlan, notes: string[] = []): Plan {
  const changes = plan.sources.flatMap((s) => s.drop.map((d) => ({ target: `${d.key} in ${describeSource(s.source)}`, from: d.status ?? 'unknown', to: 'dropped' })));
  const kept = plan.sources.flatMap((s) => s.keep.map((d) => `${d.key} in ${describeSource(s.source)}: kept, ${d.reason}`));
  const count = plan.dropKeys.length;
  return {
    summary: count ? `drop ${count} bug${count === 1 ? '' : 's'} from ${release}: ${plan.dropKeys.join(', ')}` : `no bug of ${release} can be dropped`,
    changes,
    notes: [...notes, ...kept],
    empty: changes.length === 0,
  };
}
