/** Simulated GitHub (REST contents/trees/blobs, GraphQL object lookups, raw content) for tests and the playground. */
export { startGitHubSandbox, type GitHubSandbox, type GitHubSandboxOptions, type FaultRule, type CallRecord } from './server.ts';
export { InMemoryGitHub, gitBlobSha, type CommitRecord, type StoredFile, type DirEntry } from './repo.ts';
export { answerGraphQL } from './graphql.ts';
