/** The lock the runner takes per release; a module of its own so `unlock` names it without loading the runner. */
export function lockKey(release: string): string {
  return `release:${release}`;
}
