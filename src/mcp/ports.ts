/** What the MCP front end reads from StateBox beyond the runner's StateBoxPort (declared with the commands that read it). */
export type { ReleaseStatusReader } from '../commands/ports.ts';
