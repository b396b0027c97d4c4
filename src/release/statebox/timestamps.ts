/** Timestamps (spec 5.7): stored as `YYYY-MM-DDTHH:MM:SSZ` strings; task times come from the captured output. */

/** ISO-8601 with a zone (Z or ±HH:MM), optional fractional seconds; a space or a missing zone does not count. */
const ISO_WITH_ZONE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

export function extractTimestamps(text: string | null | undefined): string[] {
  if (!text) return [];
  return text.match(ISO_WITH_ZONE) ?? [];
}

/** First zone-qualified timestamp in the text (the task's start), or null. */
export function extractStartTimestamp(text: string | null | undefined): string | null {
  return extractTimestamps(text)[0] ?? null;
}

/** Last zone-qualified timestamp in the text (the task's end), or null. */
export function extractEndTimestamp(text: string | null | undefined): string | null {
  return extractTimestamps(text).at(-1) ?? null;
}

/** `2025-11-27T21:50:00Z` (UTC, whole seconds). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
