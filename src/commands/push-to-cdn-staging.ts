/**
 * `push-to-cdn-staging` (oar-commands 6.5, 11.9): per advisory (microshift excluded, dropped
 * ones skipped) either nothing (every push COMPLETE, or pushes running), or trigger the Errata
 * Tool stage push. Pushes take 30-60 minutes: instead of asking people to re-run the command, the
 * outcome leaves a `cdn-push` watch that checks the jobs until every one is COMPLETE (or one
 * FAILED); the watch resumes this command through the runner to trigger a push that waited for
 * its blocking advisory and to record the task (lock, audit and task as for any run). Re-running reports the jobs and never re-triggers a completed or
 * running push; a FAILED push is triggered again.
 */
import { declareCommand } from './types.ts';

/** The follow-up of the triggered pushes (handler: approval/push.ts). */
export const CDN_PUSH_KIND = 'cdn-push';

export const pushToCdnStaging = declareCommand({
  name: 'push-to-cdn-staging',
  group: 'oar',
  summary: 'Trigger the CDN stage push of every advisory and follow the push jobs until they are COMPLETE',
  description:
    'Per advisory: nothing when every stage push is COMPLETE or pushes are running, otherwise POST push?defaults=stage (a FAILED push is triggered again). ' +
    'An advisory whose blocking advisory is not pushed yet waits. The push jobs are then checked every OAR_CDN_PUSH_POLL_MS until every one is COMPLETE.',
  examples: ['oar -r 4.19.1 push-to-cdn-staging', '/oar 4.19.1 push-to-cdn-staging', 'oar -r 4.19.1 push-to-cdn-staging --dry-run'],
  safety: 'critical',
  task: 'push-to-cdn-staging',
  scope: 'zstream',
  longRunning: true,
  // Loose: the watch's internal resume request (approval/push.ts CDN_PUSH_RESUME) passes validation
  // without being an option: it is not in the shape, so help, the parser (unknown flags are
  // errors) and MCP (a strict tool schema over the shape) never offer or accept it.
  options: (z) => z.looseObject({}),
  followUpKinds: [{ kind: CDN_PUSH_KIND, summary: 'Checks the stage push jobs until every one is COMPLETE (Pass) or one FAILED (Fail)' }],
});
