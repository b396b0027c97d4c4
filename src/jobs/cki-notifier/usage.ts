/** The usage text of `oarctl cki-notifier` (light: the terminal's help prints it without loading the notifier). */
import { SUPPORTED_STATUSES } from './types.ts';

export const CKI_NOTIFIER_USAGE = `Usage:
  oarctl cki-notifier                                   consume DataWarehouse messages from RabbitMQ
  oarctl cki-notifier --status STATUS --checkout-id ID [--dry-run]
                                                        send the ready-for-test message of one checkout

STATUS: ${SUPPORTED_STATUSES.join(', ')}
ID:     the KCIDB checkout id, e.g. redhat:12345
--dry-run  print the message that would be sent; publish and record nothing
Set CKI_LOGGING_LEVEL=INFO for meaningful output and CKI_DEPLOYMENT_ENVIRONMENT=production to publish.
`;
