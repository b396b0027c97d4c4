/** E-mail masking of task results before they reach the (public) StateBox repository (spec 5.8). */

// The original's pattern, including its `[A-Z|a-z]` TLD class (a literal `|` is allowed there).
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}\b/g;

export const EMAIL_REDACTED = '[EMAIL_REDACTED]';

export function maskSensitiveData(text: string): string;
export function maskSensitiveData(text: null): null;
export function maskSensitiveData(text: string | null): string | null;
export function maskSensitiveData(text: string | null): string | null {
  if (text === null) return null;
  return text.replace(EMAIL, EMAIL_REDACTED);
}
