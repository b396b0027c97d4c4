/**
 * A heavy module loaded on first use rather than at startup (issue 22: footprint): concurrent first
 * callers share one load, and a load that failed is tried again on the next call.
 *
 *   const loadOctokit = onFirstUse(() => import('octokit'));
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));
}
