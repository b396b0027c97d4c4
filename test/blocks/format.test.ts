import { describe, expect, it } from 'vitest';
import { mrkdwn, richElements, segments, slackDate } from '../../src/blocks/format.ts';

const links = { jira: 'https://jira.example', errata: 'https://errata.example/' };

describe('text at a glance', () => {
  it('ISO times become Slack date tokens with a UTC fallback', () => {
    expect(slackDate('2026-12-04T15:28:38Z')).toBe('<!date^1796398118^{date_short_pretty} {time}|2026-12-04 15:28 UTC>');
    expect(mrkdwn('completed 2026-12-04T15:28:38Z')).toBe('completed <!date^1796398118^{date_short_pretty} {time}|2026-12-04 15:28 UTC>');
    expect(slackDate('not a date')).toBe('not a date');
  });

  it('Jira keys and advisories link; CVE ids and dates do not', () => {
    const out = mrkdwn('OCPBUGS-84779 blocks advisory 151166; CVE-2026-1234 noted', { links });
    expect(out).toBe('<https://jira.example/browse/OCPBUGS-84779|OCPBUGS-84779> blocks advisory <https://errata.example/advisory/151166|151166>; CVE-2026-1234 noted');
  });

  it('URLs stay whole links: a Jira key inside a URL is not linked again', () => {
    expect(mrkdwn('see https://jira.example/browse/ART-1.', { links })).toBe('see <https://jira.example/browse/ART-1>.');
  });

  it('e-mails of known people become mentions; unknown ones stay text; text is escaped', () => {
    const mentions = new Map([['lead@redhat.com', 'U_LEAD']]);
    expect(mrkdwn('owner lead@redhat.com, cc x@redhat.com <b>', { mentions })).toBe('owner <@U_LEAD>, cc x@redhat.com &lt;b&gt;');
  });

  it('rich text gets the same links, mentions and dates as elements', () => {
    const els = richElements('OCPBUGS-1 by a@b.co at 2026-01-01T00:00:00Z', { links, mentions: new Map([['a@b.co', 'U1']]) });
    expect(els).toEqual([
      { type: 'link', url: 'https://jira.example/browse/OCPBUGS-1', text: 'OCPBUGS-1' },
      { type: 'text', text: ' by ' },
      { type: 'user', user_id: 'U1' },
      { type: 'text', text: ' at ' },
      { type: 'date', timestamp: 1767225600, format: '{date_short_pretty} {time}', fallback: '2026-01-01 00:00 UTC' },
    ]);
    expect(segments('plain')).toEqual([{ kind: 'text', text: 'plain' }]);
  });
});
