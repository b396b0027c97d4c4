/** The CKI notifier's public surface (wired by the bot and by oarctl). */
export { startCkiNotifier, type CkiNotifier, type CkiNotifierDeps, type CkiNotifierState, type StartOptions } from './service.ts';
export { runCkiNotifierCli, parseCkiNotifierArgs, CKI_NOTIFIER_USAGE, type CkiNotifierCliDeps } from './cli.ts';
export { computeOverallStatus } from './overall-status.ts';
export type { ReadyForTestMessage } from './ready-for-test.ts';
export type { KafkaLike, KafkaProducerLike } from './publisher.ts';
