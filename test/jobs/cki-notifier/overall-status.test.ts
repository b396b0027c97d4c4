import { describe, expect, it } from 'vitest';
import { buildVerdict, computeOverallStatus, normalizeStatus } from '../../../src/jobs/cki-notifier/overall-status.ts';
import { checkoutTree, type BuildSpec } from '../../../src/sandbox/datawarehouse/index.ts';

const overall = (builds: BuildSpec[]) => {
  const t = checkoutTree({ n: 42, builds });
  return computeOverallStatus({ checkoutOrigin: 'redhat', builds: t.builds, tests: t.tests, issueOccurrences: t.issueOccurrences });
};

describe('computeOverallStatus', () => {
  it('spec 9.3: PASS tests and one FAIL with an issue occurrence -> success', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', triaged: true }] }]).status).toBe('success');
  });

  it('spec 9.4: one untriaged ERROR -> error; one untriaged FAIL -> fail (naming it)', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'ERROR' }] }]).status).toBe('error');
    const r = overall([{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL' }] }]);
    expect(r.status).toBe('fail');
    expect(r.worst).toBe('FAIL');
    expect(r.untriaged).toEqual(['redhat:42-x86_64-0-t1']);
  });

  it('spec 9.5: a waived FAIL only -> success', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'b', status: 'FAIL', waived: true }] }]).status).toBe('success');
  });

  it('FAIL outranks ERROR, ERROR outranks MISS', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a', status: 'ERROR' }, { path: 'b', status: 'FAIL' }, { path: 'c', status: 'MISS' }] }]).status).toBe('fail');
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a', status: 'MISS' }, { path: 'b', status: 'ERROR' }] }]).worst).toBe('ERROR');
  });

  it('decision 1: MISS counts as error', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a', status: 'MISS' }] }]).status).toBe('error');
  });

  it('decision 2: a regression occurrence does not triage the failure', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'b', status: 'FAIL', triaged: 'regression' }] }]).status).toBe('fail');
  });

  it('decision 3: results of other origins do not count', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'lab', status: 'FAIL', origin: 'redhat-qe-lab' }] }]).status).toBe('success');
    expect(overall([{ arch: 'x86_64', origin: 'other', valid: false }, { arch: 'aarch64' }]).status).toBe('success');
  });

  it('decision 5: a test or build without a verdict counts as MISS (error)', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a', status: null }] }]).status).toBe('error');
    expect(overall([{ arch: 'x86_64', valid: null }]).status).toBe('error');
  });

  it('decision 6: an untriaged failed build -> fail, a triaged one does not count, v5 build ERROR -> error', () => {
    expect(overall([{ arch: 'x86_64' }, { arch: 'aarch64', valid: false }]).status).toBe('fail');
    expect(overall([{ arch: 'x86_64' }, { arch: 'aarch64', valid: false, triaged: true }]).status).toBe('success');
    expect(overall([{ arch: 'x86_64', status: 'ERROR' }]).status).toBe('error');
  });

  it('decision 7: nothing counted -> success; DONE and SKIP -> success', () => {
    expect(computeOverallStatus({ checkoutOrigin: 'redhat', builds: [], tests: [], issueOccurrences: [] })).toEqual({ status: 'success', worst: undefined, untriaged: [] });
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a', status: 'DONE' }, { path: 'b', status: 'SKIP' }] }]).status).toBe('success');
  });

  it('decision 8: unknown status strings count as ERROR; case is normalised', () => {
    expect(normalizeStatus('weird')).toBe('ERROR');
    expect(normalizeStatus('pass')).toBe('PASS');
    expect(normalizeStatus(undefined)).toBe('MISS');
    expect(buildVerdict({ id: 'b', origin: 'redhat', valid: true, status: 'FAIL' })).toBe('FAIL');
  });

  it('a triaged ERROR and a triaged MISS do not count either', () => {
    expect(overall([{ arch: 'x86_64', tests: [{ path: 'a', status: 'ERROR', triaged: true }, { path: 'b', status: 'MISS', triaged: true }] }]).status).toBe('success');
  });
});
