/**
 * Fetching 300 bugs (status + QA contact) by key from the simulated Jira with 50 ms latency per
 * request. Targets: at most 3 requests, under 1,000 ms. Median of 3 runs.
 */
import { JiraClient } from '../src/integrations/jira.ts';
import { JIRA_FIELDS } from '../src/release/tasks.ts';
import { startJiraSandbox } from '../src/sandbox/jira/index.ts';
import { emit, median, note } from './lib.ts';

const BENCH = 'jira-bulk';
const BUGS = 300;
const LATENCY_MS = 50;
const RUNS = 3;

const sandbox = await startJiraSandbox({ latencyMs: LATENCY_MS });
try {
  const qa = sandbox.state.addUser({ displayName: 'QA Contact', emailAddress: 'qa@redhat.com' });
  sandbox.state.seedBugs(BUGS, { status: 'ON_QA', qaContact: qa, targetVersions: ['4.19.z'] });
  const keys = Array.from({ length: BUGS }, (_, i) => `OCPBUGS-${i + 1}`);

  const requests: number[] = [];
  const wall: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const client = new JiraClient({ baseUrl: sandbox.url, deployment: 'cloud' });
    sandbox.resetCalls();
    const started = performance.now();
    const { issues, missing } = await client.getIssuesByKeys(keys, { fields: ['status', JIRA_FIELDS.qaContact] });
    const ms = performance.now() - started;
    if (issues.length !== BUGS || missing.length > 0 || issues.some((i) => i.qaContact?.emailAddress !== 'qa@redhat.com')) {
      throw new Error(`run ${run}: expected ${BUGS} bugs with a QA contact, got ${issues.length} (missing ${missing.length})`);
    }
    requests.push(sandbox.calls.length);
    wall.push(ms);
    note(`run ${run}: ${sandbox.calls.length} requests, ${ms.toFixed(1)} ms`);
  }
  emit(BENCH, 'requests', median(requests), 'count');
  emit(BENCH, 'wall_ms', median(wall), 'ms');
  const ok = median(requests) <= 3 && median(wall) < 1000;
  note(`targets (<= 3 requests, < 1000 ms): ${ok ? 'met' : 'NOT met'}`);
  if (!ok) process.exitCode = 1;
} finally {
  await sandbox.close();
}
