import { describe, expect, it } from 'vitest';
import { CKI_CI, buildReadyForTest, testableBuilds, validateReadyForTest } from '../../../src/jobs/cki-notifier/ready-for-test.ts';
import { checkoutTree } from '../../../src/sandbox/datawarehouse/index.ts';

describe('ready-for-test message', () => {
  it('pre-test: cki_finished false, only successful builds with packages in build_info', () => {
    const t = checkoutTree({
      n: 900,
      builds: [{ arch: 'x86_64' }, { arch: 'x86_64', debug: true }, { arch: 'aarch64', valid: false }, { arch: 's390x', packageUrl: null }],
      patchUrls: ['https://patchwork.example.com/patch/1/mbox/'],
      modifiedFiles: ['net/core/dev.c'],
    });
    const builds = testableBuilds(t.builds);
    expect(builds.map((b) => b.architecture)).toEqual(['x86_64', 'x86_64']);
    const v = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds, kind: 'pre_test', status: 'success' }));
    if (!v.ok) throw new Error(v.detail);
    const m = v.message;
    expect(m.ci).toEqual(CKI_CI);
    expect(m.cki_finished).toBe(false);
    expect(m.status).toBe('success');
    expect(m.checkout_id).toBe('redhat:900');
    expect(m.tree_name).toBe('rhel-9');
    expect(m.run.url).toMatch(/\/pipelines\/900$/);
    expect(m.artifact).toEqual({ type: 'cki-build', issuer: 'CKI', source_package_name: 'kernel', source_package_version: '5.14.0', source_package_release: '570.0.el9' });
    expect(m.system).toEqual([{ os: 'rhel9', stream: 'rhel-9' }]);
    expect(m.build_info).toHaveLength(2);
    expect(m.build_info[1]).toMatchObject({ architecture: 'x86_64', debug_kernel: true, package_name: 'kernel-debug', build_id: 'redhat:900-x86_64-kernel-debug' });
    expect(m.build_info[0]?.kernel_package_url).toMatch(/\/repo\/5\.14\.0-570\.0\.el9\.x86_64\/$/);
    expect(m.modified_files).toEqual(['net/core/dev.c']);
    expect(m.patch_urls).toEqual(['https://patchwork.example.com/patch/1/mbox/']);
    expect(m.merge_request).toEqual({});
  });

  it('post-test of an MR checkout: issuer CKI, merge_request url and draft, status carried', () => {
    const url = 'https://gitlab.com/redhat/centos-stream/src/kernel/centos-stream-9/-/merge_requests/6521';
    const t = checkoutTree({ n: 901, mergeRequestUrl: url, misc: { submitter: 'dev@example.com' } });
    const v = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds: testableBuilds(t.builds), kind: 'post_test', status: 'fail', mergeRequest: { url, draft: true } }));
    if (!v.ok) throw new Error(v.detail);
    expect(v.message).toMatchObject({ cki_finished: true, status: 'fail', merge_request: { merge_request_url: url, is_draft: true }, artifact: { issuer: 'CKI' } });
  });

  it('non-MR checkout: issuer is the submitter', () => {
    const t = checkoutTree({ n: 902, misc: { submitter: 'dev@example.com' } });
    const v = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds: testableBuilds(t.builds), kind: 'post_test', status: 'success' }));
    expect(v.ok && v.message.artifact.issuer).toBe('dev@example.com');
  });

  it('refuses a message without a pipeline URL or tree name (validated before publishing)', () => {
    const t = checkoutTree({ n: 903, misc: { pipeline: { id: 903 } } });
    const noRun = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds: testableBuilds(t.builds), kind: 'pre_test', status: 'success' }));
    expect(noRun).toMatchObject({ ok: false, detail: expect.stringContaining('run.url') });
    const noTree = validateReadyForTest(buildReadyForTest({ checkout: { ...t.checkout, tree_name: null, misc: checkoutTree({ n: 903 }).checkout.misc }, builds: [], kind: 'pre_test', status: 'success' }));
    expect(noTree).toMatchObject({ ok: false, detail: expect.stringContaining('tree_name') });
  });

  it('merge_request.jira_issues (JIRA_SERVER) is carried when the lookup found keys, and absent without it', () => {
    const t = checkoutTree({ n: 9101 });
    const builds = testableBuilds(t.builds);
    const url = 'https://gitlab.com/redhat/centos-stream/src/kernel/centos-stream-9/-/merge_requests/6521';
    const withJira = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds, kind: 'pre_test', status: 'success', mergeRequest: { url, draft: false, jiraIssues: ['RHEL-101'] } }));
    expect(withJira.ok && withJira.message.merge_request).toEqual({ merge_request_url: url, is_draft: false, jira_issues: ['RHEL-101'] });
    const without = validateReadyForTest(buildReadyForTest({ checkout: t.checkout, builds, kind: 'pre_test', status: 'success', mergeRequest: { url, draft: true } }));
    expect(without.ok && without.message.merge_request).toEqual({ merge_request_url: url, is_draft: true });
  });
});
