/**
 * The playground end to end in a real browser: Debian's Chromium (headless, driven by
 * playwright-core) opens the page of the real app in playground mode (simulated Slack and
 * services, the real engine and Bolt app over Socket Mode) and does what a newcomer would:
 * run a command as the release lead, open the thread and the App Home, run a critical command
 * and confirm it in the modal, watch the advisory change in the services panel, then switch to
 * the viewer and be denied. Screenshots go to test-results/playground/.
 *
 * Chromium must be installed (`apt-get install -y chromium`; .ci/run does it). Without it the
 * test fails with that instruction rather than skipping.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, LEAD, VIEWER, type Playground } from '../../src/sandbox/playground/index.ts';

const CHROMIUM = process.env.OAR_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'playground');
/**
 * Screenshots the README shows: written to docs/img/ only when asked (`OAR_DOC_SHOTS=1 npx vitest
 * run test/e2e/playground.browser.test.ts`), so a test run never changes tracked files.
 */
const DOC_SHOTS = process.env.OAR_DOC_SHOTS ? join(process.cwd(), 'docs', 'img') : join(SHOTS, 'docs');
/** Locator waits end before the test's own timeout, so a failure names what did not appear. */
const WAIT = { timeout: 15_000 };
const TEST_TIMEOUT = 60_000;
const SECOND_APPROVAL = 'push-to-cdn-staging';

let pg: Playground;
let context: BrowserContext;
let page: Page;
let profile: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Type into the channel composer and send with Enter, as a person would. */
async function type(text: string): Promise<void> {
  const input = page.locator('#composer-input');
  await input.fill(text);
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/send') && r.request().method() === 'POST');
  await input.press('Enter');
  const res = await sent;
  expect(res.status(), await res.text()).toBe(200);
}

function botMessage(text: string | RegExp) {
  return page.locator('#messages .msg-bot', { hasText: text });
}

function activity(text: string | RegExp) {
  return page.locator('#activity li', { hasText: text });
}

function requireCommand(name: string): void {
  if (!pg.engine.registry.get(name)) {
    throw new Error(`the playground scenario needs the ${name} command, which is not registered in createRegistry() (src/commands/index.ts)`);
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (.ci/run installs it), or set OAR_TEST_CHROMIUM`);
  }
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(DOC_SHOTS, { recursive: true });
  // push-to-cdn-staging waits for a second person (the approval test below); the other tests do not run it.
  pg = await startPlayground({ port: 0, baseEnv: { LOG_LEVEL: 'silent', NODE_ENV: 'test' }, env: { OAR_SECOND_APPROVAL: SECOND_APPROVAL } });
  profile = mkdtempSync(join(tmpdir(), 'oar-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 960 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(WAIT.timeout);
  await page.goto(pg.url);
  await page.locator('#user-select option').first().waitFor({ state: 'attached' });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await pg?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the playground in a browser', () => {
  it('the release lead runs a command and sees the result, a threaded reply and the App Home', async () => {
    expect(await page.locator('#user-select').inputValue()).toBe(LEAD.id);
    await page.locator('#channel-list', { hasText: 'team-qe-release' }).waitFor();

    if (pg.engine.registry.get('take-ownership')) {
      await type(`/oar 4.19.1 take-ownership -e ${LEAD.email}`);
      await botMessage(/Pass.*take-ownership.*4\.19\.1/s).waitFor();
      // Errata records the new QE owner of the advisories.
      await activity(new RegExp(`Errata.*advisory 151165 advisory updated: qeEmail: .* → ${LEAD.email.replace('.', '\\.')}`, 's')).first().waitFor();
    } else {
      await type('/oar 4.19.1 release-info');
      await botMessage(/release-info.*4\.19\.1.*Errata flow/s).waitFor();
    }
    await shot('1-lead-command-result');

    // A typed command: the bot answers in the thread of the message.
    await type('oar -r 4.19.10 release-info');
    const root = page.locator('#messages .msg', { hasText: 'oar -r 4.19.10 release-info' });
    await root.locator('.replies', { hasText: '1 reply' }).click();
    await page.locator('#thread-messages .msg-bot', { hasText: 'Konflux flow' }).waitFor();
    await shot('2-thread');
    await page.locator('#thread-close').click();
    await page.locator('#thread').waitFor({ state: 'hidden' });

    await page.locator('#nav-home').click();
    const home = page.locator('#home .home-view');
    await home.locator('.bk-section', { hasText: '4.19.10' }).first().waitFor();
    expect(await home.textContent()).toContain('Image Consistency Check');
    await shot('3-app-home');
    await page.locator('#channel-list [data-channel="C_QE_RELEASE"]').click();
    await page.locator('#messages').waitFor();
  }, TEST_TIMEOUT);

  it('help, release-status and the App Home read like Slack; a long conversation scrolls inside its pane with the composer pinned', async () => {
    await page.locator('#channel-list [data-channel="C_QE_RELEASE"]').click();
    await type('/oar help');
    const help = page.locator('#messages .msg-ephemeral', { hasText: 'oar-bot commands' }).last();
    await help.waitFor();
    const helpText = (await help.textContent()) ?? '';
    expect(helpText).toContain('Release workflow, in step order');
    expect(helpText).toContain('/oar 4.19.1 take-ownership');
    expect(helpText).not.toContain(':red_circle:'); // emoji render as emoji
    await help.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(DOC_SHOTS, 'help.png') });

    // A blocker recorded through the product, so the status shows one with its Resolve button.
    await type('/oar 4.19.1 add-issue --issue "Advisory 151165 is stuck in NEW_FILES" --related-tasks push-to-cdn-staging');
    await page.locator('#messages .msg', { hasText: 'Added blocking issue' }).last().waitFor();
    await type('/oar 4.19.1');
    // Case-sensitive and specific: help's text mentions "open blockers" too.
    const status = page.locator('#messages .msg-ephemeral', { hasText: /Open blockers \(\d+\)/ }).last();
    await status.waitFor();
    expect(await status.locator('.bk-rt-section').count(), await status.innerHTML()).toBeGreaterThan(0);
    expect(await status.locator('pre').count()).toBe(0);
    expect(await status.locator('button', { hasText: 'Share in channel' }).count()).toBe(1);
    await status.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(DOC_SHOTS, 'release-status.png') });

    // A long conversation: the message list scrolls inside its pane; the composer stays on screen.
    for (let i = 0; i < 3; i++) await type('/oar help');
    await page.locator('#messages .msg-ephemeral', { hasText: 'oar-bot commands' }).nth(3).waitFor();
    const viewport = page.viewportSize()!;
    const composer = (await page.locator('#composer').boundingBox())!;
    expect(composer.y + composer.height).toBeLessThanOrEqual(viewport.height);
    const pane = await page.locator('#messages').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(pane.scroll).toBeGreaterThan(pane.client);
    expect(await page.evaluate('document.scrollingElement.scrollHeight <= window.innerHeight')).toBe(true);
    await page.screenshot({ path: join(DOC_SHOTS, 'long-conversation.png') });

    await page.locator('#nav-home').click();
    const home = page.locator('#home .home-view');
    // The republished view (not the one shown before): the blocker just added, and the owner take-ownership set.
    await home.locator('.bk-section', { hasText: 'Advisory 151165 is stuck in NEW_FILES' }).first().waitFor();
    requireCommand('take-ownership');
    expect(await home.locator('.bk-section', { hasText: /4\.19\.1.*owner @Rita Lead/s }).count()).toBe(1);
    expect(await home.locator('button', { hasText: 'Refresh' }).count()).toBe(1);
    await page.screenshot({ path: join(DOC_SHOTS, 'app-home.png') });
    await page.locator('#channel-list [data-channel="C_QE_RELEASE"]').click();
  }, TEST_TIMEOUT);

  it('a team notice respects the channel: the rejected-build checker posts one summary, each build in its thread', async () => {
    await page.locator('#channel-list [data-channel="C_QE_RELEASE"]').click();
    // The playground schedules the checker every 2 minutes: whichever run comes first posts the notice.
    await pg.app.scheduler.runNow('result-checker');
    const notice = page.locator('#messages .msg-bot', { hasText: '5 rejected builds detected' });
    await notice.waitFor();
    expect(await page.locator('#messages .msg-bot', { hasText: 'rejected builds detected' }).count()).toBe(1);
    expect(await page.locator('#messages .msg-bot', { hasText: 'Rejected build detected in test result file' }).count()).toBe(0);
    await notice.locator('.replies', { hasText: '5 replies' }).click();
    await page.locator('#thread-messages .msg-bot', { hasText: 'Rejected build detected in test result file' }).nth(4).waitFor();
    await page.screenshot({ path: join(DOC_SHOTS, 'team-notice.png') });
    await page.locator('#thread-close').click();
    await page.locator('#thread').waitFor({ state: 'hidden' });
  }, TEST_TIMEOUT);

  it('a command that needs a second approval: the request in the thread, the channel message updated when it ends', async () => {
    requireCommand(SECOND_APPROVAL);
    await page.locator('#channel-list [data-channel="C_QE_RELEASE"]').click();
    await type(`/oar 4.19.1 ${SECOND_APPROVAL}`);
    const modal = page.locator('.modal');
    await modal.locator('.modal-title', { hasText: 'Confirm operation' }).waitFor();
    await modal.locator('input[data-kind="plain_text_input"]').fill('4.19.1');
    await modal.locator('[data-modal-submit]').click();
    await modal.waitFor({ state: 'detached' });

    const waiting = page.locator('#messages .msg-bot', { hasText: `${SECOND_APPROVAL} on 4.19.1 waits for a second person` }).last();
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain('Approve or Reject in the thread');
    await waiting.locator('.replies').click();
    const request = page.locator('#thread-messages .msg-bot', { hasText: `Second approval needed: ${SECOND_APPROVAL} on 4.19.1` });
    await request.waitFor();
    const requestText = (await request.textContent()) ?? '';
    expect(requestText).toContain('Asked by');
    expect(requestText).toContain('Who can approve');
    expect(requestText).toContain('What will change');
    expect(requestText).not.toContain(':raised_hand:'); // emoji render as emoji
    expect(await request.locator('button', { hasText: 'Approve' }).count()).toBe(1);
    expect(await request.locator('button', { hasText: 'Reject' }).count()).toBe(1);
    expect(await request.locator('.bk-header').count()).toBe(1);
    await request.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(DOC_SHOTS, 'second-approval.png') });

    // The requester withdraws it: the request and the channel message both say how it ended.
    await request.locator('button', { hasText: 'Reject' }).click();
    await page.locator('#thread-messages .msg-bot', { hasText: `Rejected: ${SECOND_APPROVAL} on 4.19.1` }).waitFor();
    const ended = page.locator('#messages .msg-bot', { hasText: `${SECOND_APPROVAL} on 4.19.1 was withdrawn by` }).last();
    await ended.waitFor();
    expect(await ended.textContent()).toContain('nothing was changed');
    expect(await page.locator('#messages .msg-bot', { hasText: `${SECOND_APPROVAL} on 4.19.1 waits for a second person` }).count()).toBe(0);
    await shot('7-second-approval-ended');
    await page.locator('#thread-close').click();
    await page.locator('#thread').waitFor({ state: 'hidden' });
  }, TEST_TIMEOUT);

  it('offers "Run now" for scheduled jobs once the composition root wires a runner', async () => {
    // The app's real scheduler is offered by default; a stand-in runner keeps this test fast.
    await page.locator('#job-list .job', { hasText: 'jira-notificator' }).waitFor();
    const ran: string[] = [];
    pg.setJobRunner(async (name) => {
      ran.push(name);
      return { job: name, outcome: 'ok', report: { summary: 'checked 5 result files, 1 rejected build reported' } };
    }, () => ['jira-notificator', 'result-checker']);
    const run = page.locator('#job-list .job', { hasText: 'result-checker' }).locator('button', { hasText: 'Run now' });
    await run.click();
    await page.locator('#toast', { hasText: 'result-checker: checked 5 result files, 1 rejected build reported' }).waitFor();
    expect(ran).toEqual(['result-checker']);
    pg.setJobRunner(undefined);
    await page.locator('#jobs').waitFor({ state: 'hidden' });
  }, TEST_TIMEOUT);

  it('a critical command is confirmed in a modal, its effect shows in the services panel, and the viewer is denied', async () => {
    requireCommand('change-advisory-status');

    await type('/oar 4.19.1 change-advisory-status');
    const modal = page.locator('.modal');
    await modal.locator('.modal-title', { hasText: 'Confirm operation' }).waitFor();
    const input = modal.locator('input[data-kind="plain_text_input"]');
    await input.waitFor();
    await shot('4-confirm-modal');

    // A wrong release is refused in the modal.
    await input.fill('4.19.2');
    await modal.locator('[data-modal-submit]').click();
    await modal.locator('.bk-error', { hasText: 'Type 4.19.1 exactly to confirm.' }).waitFor();
    expect(pg.world.world.errata.advisory(151166).state).toBe('QE');

    await modal.locator('input[data-kind="plain_text_input"]').fill('4.19.1');
    await modal.locator('[data-modal-submit]').click();
    await modal.waitFor({ state: 'detached' });
    await botMessage(/change-advisory-status.*4\.19\.1/s).locator('.msg-body', { hasText: /Pass|In Progress/ }).first().waitFor();
    await activity(/advisory 151166 state changed: QE → REL_PREP/).waitFor();
    await activity(/StateBox.*_releases\/4\.19\/statebox\/4\.19\.1\.yaml/s).first().waitFor();
    expect(pg.world.world.errata.advisory(151166).state).toBe('REL_PREP');
    await shot('5-services-panel');

    await page.locator('#user-select').selectOption(VIEWER.id);
    await page.locator('#user-role', { hasText: 'read-only' }).waitFor();
    await type('/oar 4.19.1 change-advisory-status');
    const denial = page.locator('#messages .msg-ephemeral', { hasText: 'You are not allowed to run change-advisory-status on 4.19.1' });
    await denial.waitFor();
    expect(await denial.textContent()).toContain('Only visible to you');
    expect(await page.locator('.modal').count()).toBe(0);
    await shot('6-viewer-denied');

    // The denial was shown to the viewer only.
    await page.locator('#user-select').selectOption(LEAD.id);
    await page.locator('#user-role', { hasText: 'release lead' }).waitFor();
    await page.locator('#messages .msg-ephemeral', { hasText: 'You are not allowed' }).waitFor({ state: 'detached' });
  }, TEST_TIMEOUT);
});
