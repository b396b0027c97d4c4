import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { SlackGroupDirectory } from '../../src/slack/groups.ts';

function fakeClient(lists: (() => Promise<unknown>)[]) {
  let calls = 0;
  const client = { usergroups: { list: vi.fn(() => lists[Math.min(calls++, lists.length - 1)]!()) } };
  return { client: client as unknown as WebClient, calls: () => calls };
}

const groups = (users: string[]) => async () => ({ usergroups: [{ id: 'S1', handle: 'openshift-qe-release-4-19', users }] });

describe('SlackGroupDirectory (lru-cache, TTL from the read)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shares one request among concurrent readers and serves it until the TTL passes', async () => {
    const { client, calls } = fakeClient([groups(['U1']), groups(['U2'])]);
    const dir = new SlackGroupDirectory(client, { ttlMs: 60_000 });
    const [a, b] = await Promise.all([dir.groupsOf('U1'), dir.groupsOf('U1')]);
    expect(a).toEqual(['openshift-qe-release-4-19']);
    expect(b).toEqual(a);
    expect(calls()).toBe(1);
    vi.advanceTimersByTime(59_999);
    expect(await dir.groupsOf('U1')).toEqual(['openshift-qe-release-4-19']);
    expect(calls()).toBe(1);
    vi.advanceTimersByTime(2);
    expect(await dir.groupsOf('U1')).toEqual([]);
    expect(await dir.groupsOf('U2')).toEqual(['openshift-qe-release-4-19']);
    expect(calls()).toBe(2);
  });

  it('a failed refresh fails groupsOf (authorization never answers from an expired list) and the next call reads again', async () => {
    const { client, calls } = fakeClient([groups(['U1']), () => Promise.reject(new Error('ratelimited')), groups(['U2'])]);
    const dir = new SlackGroupDirectory(client, { ttlMs: 1000 });
    expect(await dir.groupsOf('U1')).toEqual(['openshift-qe-release-4-19']);
    vi.advanceTimersByTime(1001);
    await expect(dir.groupsOf('U1')).rejects.toThrow('ratelimited');
    expect(await dir.groupsOf('U2')).toEqual(['openshift-qe-release-4-19']);
    expect(calls()).toBe(3);
  });
});
