/**
 * Masking of task results before they reach the (public) StateBox repository (spec 5.8): the
 * secrets of src/secrets.ts (when the service was given the configuration's), then e-mail addresses.
 */
import { maskPublicText } from '../../secrets.ts';

export { EMAIL_REDACTED } from '../../secrets.ts';

export function maskSensitiveData(text: string, maskSecretText?: (s: string) => string): string;
export function maskSensitiveData(text: null, maskSecretText?: (s: string) => string): null;
export function maskSensitiveData(text: string | null, maskSecretText?: (s: string) => string): string | null;
export function maskSensitiveData(text: string | null, maskSecretText?: (s: string) => string): string | null {
  if (text === null) return null;
  return maskPublicText(text, maskSecretText);
}
