/**
 * The deferred half of change-advisory-status, run by the `async-approval` watch handler
 * (approval/async-approval.ts) once the payload metadata URL of the release is reachable:
 * make sure the shipment MR was not closed meanwhile (Konflux), move the advisories to REL_PREP
 * (checked first: nothing moves when one is blocked) and close
 * the ART QE subtasks, which change-advisory-status left open while the approval was deferred
 * (defect 9). The handler records the StateBox task and posts the three summaries of agents.md 2.
 */
import type { ConfigStore } from '../../release/configstore.ts';
import type { Services } from '../services.ts';
import { loadReleaseAdvisories, moveAdvisoriesToRelPrep } from './advisories.ts';
import { LineCollector } from './log.ts';
import { closeQeSubtasks } from './subtasks.ts';
import { openShipment } from './shipment.ts';
import { CommandError } from '../errors.ts';

export interface ApprovalCompletionDeps {
  /** Integration clients for the release (engine.services(release)). */
  services(release: string): Services;
  configStores: { get(release: string): Promise<ConfigStore> };
}

export interface ApprovalCompletion {
  moved: number[];
  closedSubtasks: string[];
  lines: string[];
}

/** Move to REL_PREP and close the QE subtasks; throws on failure (a blocked advisory: nothing moved). */
export async function completeApproval(deps: ApprovalCompletionDeps, release: string, ctx: { signal?: AbortSignal } = {}): Promise<ApprovalCompletion> {
  const log = new LineCollector();
  const cs = await deps.configStores.get(release);
  const services = deps.services(release);
  if (cs.flow() === 'konflux') {
    // The MR may have been abandoned while the approval waited: then the release does not ship.
    const shipment = await openShipment(await services.get('gitlab'), cs.shipmentMr(), log);
    if (shipment.state === 'closed') throw new CommandError(`Shipment MR !${shipment.iid} was closed (not merged) while the approval waited; the advisories were not moved`);
  }
  const errata = await services.get('errata');
  const ads = await loadReleaseAdvisories(errata, cs.advisories(), ctx.signal);
  const { moved } = await moveAdvisoriesToRelPrep(errata, ads, log);
  const jira = await services.get('jira');
  const closedSubtasks = await closeQeSubtasks(jira, cs.jiraTicket(), log);
  return { moved: moved.map((a) => a.id), closedSubtasks, lines: log.lines };
}

/** `completeApproval` in the shape JobsWiring.asyncApproval expects: `(release, ctx) => { lines }`. */
export function createApprovalCompletion(deps: ApprovalCompletionDeps): (release: string, ctx: { signal?: AbortSignal }) => Promise<{ lines: string[] }> {
  return (release, ctx) => completeApproval(deps, release, ctx);
}
