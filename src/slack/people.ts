/**
 * E-mail → Slack user, for mentioning owners and contacts in rendered messages
 * (users.lookupByEmail, cached; misses are cached too so a message with ten unknown
 * addresses does not cost ten calls on every render). A failed lookup never fails a reply.
 */
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { stripPlusTag } from '../integrations/slack-notify.ts';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export interface People {
  /** Slack user ids of the e-mails that map to a user. */
  resolve(emails: Iterable<string>): Promise<Map<string, string>>;
}

export function emailsIn(text: string): string[] {
  return [...new Set(text.match(EMAIL) ?? [])];
}

export function slackPeople(client: Pick<WebClient, 'users'>, opts: { ttlMs?: number } = {}): People {
  const cache = new LRUCache<string, { id: string | null }>({ max: 2000, ttl: opts.ttlMs ?? 60 * 60_000 });
  async function one(email: string): Promise<string | null> {
    const key = stripPlusTag(email).toLowerCase();
    const hit = cache.get(key);
    if (hit) return hit.id;
    try {
      const r = await client.users.lookupByEmail({ email: stripPlusTag(email) });
      const id = r.user?.id ?? null;
      cache.set(key, { id });
      return id;
    } catch (e) {
      // users_not_found is an answer; anything else (timeout, rate limit) is retried next time.
      if ((e as { data?: { error?: string } }).data?.error === 'users_not_found') cache.set(key, { id: null });
      return null;
    }
  }
  return {
    async resolve(emails) {
      const list = [...new Set(emails)];
      const ids = await Promise.all(list.map(one));
      const out = new Map<string, string>();
      list.forEach((e, i) => {
        if (ids[i]) out.set(e, ids[i]);
      });
      return out;
    },
  };
}
