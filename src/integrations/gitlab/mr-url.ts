/**
 * Shipment MR URL parsing (oar-commands 2.6):
 * `https://gitlab.cee.redhat.com/<namespace>/<project>/-/merge_requests/<iid>[/...]`.
 */

export interface MergeRequestRef {
  /** `https://gitlab.cee.redhat.com` */
  origin: string;
  /** `hybrid-platforms/art/ocp-shipment-data` */
  projectPath: string;
  iid: number;
}

export class MergeRequestUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeRequestUrlError';
  }
}

/** Throws "Invalid MR URL" (no host/path) or "Invalid MR URL format" (no `/-/merge_requests/<iid>`). */
export function parseMergeRequestUrl(input: string): MergeRequestRef {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new MergeRequestUrlError('Invalid MR URL');
  }
  if (!url.host || url.pathname === '' || url.pathname === '/') throw new MergeRequestUrlError('Invalid MR URL');
  const parts = url.pathname.split('/-/merge_requests/');
  if (parts.length !== 2) throw new MergeRequestUrlError('Invalid MR URL format');
  const projectPath = parts[0]!.replace(/^\/+|\/+$/g, '');
  const iidText = parts[1]!.split('/')[0] ?? '';
  if (!projectPath || !/^\d+$/.test(iidText) || Number(iidText) <= 0) throw new MergeRequestUrlError('Invalid MR URL format');
  return { origin: url.origin, projectPath: decodeURIComponent(projectPath), iid: Number(iidText) };
}

export function mergeRequestUrl(ref: MergeRequestRef): string {
  return `${ref.origin}/${ref.projectPath}/-/merge_requests/${ref.iid}`;
}
