/**
 * Doc and ProdSec approvals after bugs were dropped (spec 7.2, 11.5). Changing an advisory's bug
 * list can take its approvals away; the advisories that had them are asked for them again. Pure.
 *
 * Defect 14: the original compared the ProdSec "requested" state with the string 'null', which a
 * boolean never equals, so ProdSec approval was never re-requested. Here `securityApproved` is
 * tri-state: true approved, false requested, null neither -> request it.
 */
export interface ApprovalState {
  id: number;
  type: string;
  /** doc_complete == 1 */
  docComplete: boolean;
  /** text_ready == 1 (doc approval requested) */
  textReady: boolean;
  securityApproved: boolean | null;
}

export function isDocApproved(a: ApprovalState): boolean {
  return a.docComplete;
}

export function isProdsecApproved(a: ApprovalState): boolean {
  return a.type === 'RHSA' && a.securityApproved === true;
}

/** Which advisories to ask again, given their state before the drop and after it. */
export function approvalsToRequest(before: readonly ApprovalState[], after: ReadonlyMap<number, ApprovalState>): { doc: number[]; prodsec: number[] } {
  const doc: number[] = [];
  const prodsec: number[] = [];
  for (const b of before) {
    const a = after.get(b.id);
    if (!a) continue;
    if (isDocApproved(b) && !isDocApproved(a) && !a.textReady) doc.push(b.id);
    if (isProdsecApproved(b) && a.type === 'RHSA' && a.securityApproved === null) prodsec.push(b.id);
  }
  return { doc, prodsec };
}
