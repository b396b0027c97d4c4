/**
 * Errors of opening a shipment MR. Apart from the client so commands can test for them
 * (`instanceof`) without loading @gitbeaker/rest.
 */
import { IntegrationError } from '../http.ts';
import { SYSTEM } from './constants.ts';
import type { MergeRequestInfo } from './types.ts';

/** Raised while opening a shipment MR; `Gitlab MR <iid> state is not open` has its own class. */
export class ShipmentMrError extends IntegrationError {
  constructor(operation: string, userMessage: string, cause?: unknown) {
    super({ system: SYSTEM, operation, userMessage, ...(cause !== undefined ? { cause } : {}) });
    this.name = 'ShipmentMrError';
  }
}

/** The shipment MR exists but is no longer `opened` (edge case 1): `state` tells merged from closed. */
export class ShipmentMrNotOpenError extends ShipmentMrError {
  readonly state: string;
  readonly iid: number;
  readonly mergeRequest: MergeRequestInfo;
  constructor(info: MergeRequestInfo) {
    super(`opening shipment MR ${info.iid}`, `Gitlab MR ${info.iid} state is not open`);
    this.name = 'ShipmentMrNotOpenError';
    this.state = info.state;
    this.iid = info.iid;
    this.mergeRequest = info;
  }
}
