/** Option schemas shared by several commands (built inside a declaration's `options`, so zod is loaded by then). */
import { loadZod } from './on-demand.ts';

/** `user@host.tld` with no spaces, quotes or shell characters; trimmed. */
export const emailOption = () =>
  loadZod()
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must be an e-mail address like someone@redhat.com');

/** A positive integer id given on the command line (`-i`, `-n`). */
export const idOption = () => loadZod().coerce.number().int().positive();

/** `YYYY-MM-DD` */
export const dateOption = () => loadZod().string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-31');
