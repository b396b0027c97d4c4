import { describe, expect, it } from 'vitest';
import { startApprovalHarness, taskOf, type ApprovalHarness } from './change-advisory-status.harness.ts';
import { freshHarnessPerTest } from '../helpers/command-world.ts';

describe('image-signed-check', () => {
  let h: ApprovalHarness;
  freshHarnessPerTest(startApprovalHarness, (started) => {
    h = started;
  });

  it('signed payload: the original lines, Pass recorded', async () => {
    const seeded = h.world.seedRelease('4.19.1');
    const hex = seeded.payloadDigest.slice('sha256:'.length);

    const r = await h.run('image-signed-check', '4.19.1');

    expect(r.outcome.status).toBe('pass');
    expect(r.log).toContain(`INFO: Getting digest from ${h.world.releases.url}/api/v1/releasestream/4-stable/release/4.19.1`);
    expect(r.log).toContain(`INFO: Image Digest: ${seeded.payloadDigest}`);
    expect(r.log).toContain(`INFO: Comparing digest from url: ${h.world.releases.url}/signatures/sha256=${hex}/signature-1`);
    expect(r.log).toContain('INFO: Signature check PASSED');
    const task = taskOf(await h.statebox('4.19.1'), 'image-signed-check');
    expect(task?.status).toBe('Pass');
    expect(task?.result).toContain('task [Image Signed Check] status is changed to [Pass]');
  });

  it('defect 8: the digest that appears after a few retries is used (not discarded)', async () => {
    const rel = h.world.releases.seedRelease({ name: '4.19.1', digestReadsLeft: 2 });
    h.world.releases.seedSignature(rel.digest);

    const r = await h.run('image-signed-check', '4.19.1');

    expect(r.outcome.status).toBe('pass');
    expect(r.log.match(/WARNING: E001: No image digest found, going to retry after \d+ seconds/g)).toHaveLength(2);
    expect(r.log).toContain(`Image Digest: ${rel.digest}`);
  });

  it('defect 8: a digest that never appears ends as Fail after the bounded retries', async () => {
    h.world.releases.seedRelease({ name: '4.19.1', digestReadsLeft: 100 });

    const r = await h.run('image-signed-check', '4.19.1');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toContain(`Image digest failed to show after ${h.engine.config.OAR_IMAGE_DIGEST_RETRIES} retries!`);
    expect(r.log).toContain('ERROR: Image digest failed to show after');
    expect(taskOf(await h.statebox('4.19.1'), 'image-signed-check')?.status).toBe('Fail');
  });

  it('no signature on the mirror: Fail naming the URL and the HTTP status', async () => {
    h.world.releases.seedRelease({ name: '4.19.1' });

    const r = await h.run('image-signed-check', '4.19.1');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toMatch(/is not signed: no signature at .*\/signature-1 \(HTTP 404\)/);
    expect(r.log).toContain('ERROR: Signature check FAILED');
  });

  it.each([
    ['an unknown release', () => undefined, /Release 4\.19\.1 was not found in release stream 4-stable/],
    ['a release without changeLogJson', (h: ApprovalHarness) => void h.world.releases.seedRelease({ name: '4.19.1', changeLog: false }), /No 'changeLogJson' element is found!/],
    ['an HTTP error of the release controller', (h: ApprovalHarness) => {
      h.world.releases.seedRelease({ name: '4.19.1' });
      h.world.releases.fault({ path: '/api/v1/releasestream/4-stable/release/4.19.1', status: 403, times: Infinity });
    }, /403/],
    ['an HTTP error of the signature mirror', (h: ApprovalHarness) => {
      h.world.releases.seedRelease({ name: '4.19.1' });
      h.world.releases.fault({ path: /^\/signatures\//, status: 403, times: Infinity });
    }, /403/],
  ])('defect 8: %s ends as Fail with its message', async (_what, setup, message) => {
    setup(h);

    const r = await h.run('image-signed-check', '4.19.1');

    expect(r.outcome.status).toBe('fail');
    expect(r.outcome.summary).toMatch(message);
    expect(r.log).toMatch(/ERROR: Visit release\/mirror url failed: /);
    expect(taskOf(await h.statebox('4.19.1'), 'image-signed-check')?.status).toBe('Fail');
  });
});
