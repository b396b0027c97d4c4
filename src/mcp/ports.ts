/**
 * What the MCP front end reads from StateBox beyond the runner's StateBoxPort. The StateBox
 * service (`StateBoxService.get`) satisfies it as is; tests use a fake.
 */
export interface ReleaseStatusReader {
  /** The release's stored StateBox document, or null when the release has none yet. */
  get(release: string): Promise<{ state: Record<string, unknown>; location?: string } | null>;
}
