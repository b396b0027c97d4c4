/**
 * The slice of GitHub's GraphQL API oar-bot uses: inside `repository(owner:, name:)`, aliased
 * `object(expression: "branch:path")` lookups answered as a Blob (`text`, `oid`, `byteSize`) or
 * a Tree (`entries { name type path oid object { ... } }`, two levels deep). Arguments may be
 * string literals or `$variables`. Anything else answers a GraphQL error, never a guess.
 */
import type { InMemoryGitHub } from './repo.ts';

export interface GraphQLRequest {
  query?: unknown;
  variables?: unknown;
}

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; type?: string; path?: string[] }[];
}

const STRING_OR_VAR = String.raw`("(?:[^"\\]|\\.)*"|\$\w+)`;
const REPOSITORY_RE = new RegExp(String.raw`repository\s*\(\s*(owner|name)\s*:\s*${STRING_OR_VAR}\s*,\s*(owner|name)\s*:\s*${STRING_OR_VAR}\s*\)`);
const OBJECT_RE = new RegExp(String.raw`(?:(\w+)\s*:\s*)?object\s*\(\s*expression\s*:\s*${STRING_OR_VAR}\s*\)`, 'g');

function argValue(token: string, variables: Record<string, unknown>): string | undefined {
  if (token.startsWith('$')) {
    const v = variables[token.slice(1)];
    return typeof v === 'string' ? v : undefined;
  }
  try {
    const v: unknown = JSON.parse(token);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function describeObject(git: InMemoryGitHub, repo: string, branch: string, path: string, depth: number): Record<string, unknown> | null {
  const file = git.getFile(repo, branch, path);
  if (file) return { __typename: 'Blob', oid: file.sha, byteSize: file.size, isBinary: false, isTruncated: false, text: file.text };
  if (!git.isDirectory(repo, branch, path)) return null;
  return {
    __typename: 'Tree',
    oid: git.treeShaOf(repo, branch, path),
    entries: git.children(repo, branch, path).map((e) => ({
      name: e.name,
      type: e.type,
      path: e.path,
      oid: e.sha,
      object: depth > 0 ? describeObject(git, repo, branch, e.path, depth - 1) : { __typename: e.type === 'blob' ? 'Blob' : 'Tree', oid: e.sha },
    })),
  };
}

export function answerGraphQL(git: InMemoryGitHub, req: GraphQLRequest): GraphQLResponse {
  if (typeof req.query !== 'string' || req.query.trim() === '') return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  const variables = req.variables && typeof req.variables === 'object' ? (req.variables as Record<string, unknown>) : {};
  const query = req.query.replace(/#[^\n]*/g, '');
  const repoMatch = REPOSITORY_RE.exec(query);
  if (!repoMatch) return { errors: [{ message: 'The simulated GitHub only answers repository { object(expression:) } queries.' }] };
  const args: Record<string, string | undefined> = {
    [repoMatch[1]!]: argValue(repoMatch[2]!, variables),
    [repoMatch[3]!]: argValue(repoMatch[4]!, variables),
  };
  if (!args.owner || !args.name) return { errors: [{ message: 'repository(owner:, name:) needs two string arguments' }] };
  const repo = `${args.owner}/${args.name}`;
  if (!git.hasRepo(repo)) {
    return { data: { repository: null }, errors: [{ type: 'NOT_FOUND', path: ['repository'], message: `Could not resolve to a Repository with the name '${repo}'.` }] };
  }
  const repository: Record<string, unknown> = {};
  for (const m of query.matchAll(OBJECT_RE)) {
    const alias = m[1] ?? 'object';
    const expression = argValue(m[2]!, variables);
    if (expression === undefined) return { errors: [{ message: `object(expression:) of ${alias} is not a string` }] };
    const colon = expression.indexOf(':');
    const branch = colon === -1 ? expression : expression.slice(0, colon);
    const path = colon === -1 ? '' : expression.slice(colon + 1);
    repository[alias] = git.hasBranch(repo, branch) ? describeObject(git, repo, branch, path, 2) : null;
  }
  return { data: { repository } };
}
