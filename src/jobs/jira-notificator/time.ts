/**
 * "More than 24 weekday hours" (agents.md 3.5), on absolute instants. Weekdays are judged in the
 * offset the Jira timestamp carries (`2025-07-15T14:10:20.862+0000`), as the original did.
 */

/** An instant plus the UTC offset it was written in. */
export interface JiraInstant {
  ms: number;
  offsetMinutes: number;
}

const HOUR_MS = 3_600_000;
const THREE_DAYS_MS = 72 * HOUR_MS;

/** Parse `2025-07-15T14:10:20.862+0000`, `...+05:30` or `...Z`. */
export function parseJiraInstant(value: string): JiraInstant {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms) || (!m && !/Z$/i.test(value))) throw new RangeError(`not a Jira timestamp with a time zone: ${JSON.stringify(value)}`);
  return { ms, offsetMinutes };
}

export function instantOf(date: Date, offsetMinutes = 0): JiraInstant {
  return { ms: date.getTime(), offsetMinutes };
}

/** Monday to Friday, in the instant's own offset. */
function isWeekday(ms: number, offsetMinutes: number): boolean {
  const day = new Date(ms + offsetMinutes * 60_000).getUTCDay();
  return day >= 1 && day <= 5;
}

/**
 * True when more than 24 weekday hours passed between `from` and `now`:
 * 1. `from >= now` → false;
 * 2. more than 72 wall-clock hours → true (this shortcut ignores weekends);
 * 3. otherwise count the hourly ticks from + k·1h (k = 0, 1, ...) before `now` that fall on a
 *    weekday; true when there are more than 24 (a partial hour counts as a tick).
 */
export function isMoreThan24WeekdayHours(from: JiraInstant, now: Date = new Date()): boolean {
  const end = now.getTime();
  if (from.ms >= end) return false;
  if (end - from.ms > THREE_DAYS_MS) return true;
  let ticks = 0;
  for (let t = from.ms; t < end; t += HOUR_MS) if (isWeekday(t, from.offsetMinutes)) ticks++;
  return ticks > 24;
}
