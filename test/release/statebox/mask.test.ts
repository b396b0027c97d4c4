/** Port of tests/test_statebox.py::TestMaskSensitiveData (13 cases, spec 5.8 / edge case 5). */
import { describe, expect, it } from 'vitest';
import { maskSensitiveData } from '../../../src/release/statebox/mask.ts';

describe('TestMaskSensitiveData', () => {
  it('test_mask_single_email', () => {
    expect(maskSensitiveData('Contact: user@example.com')).toBe('Contact: [EMAIL_REDACTED]');
  });
  it('test_mask_multiple_emails', () => {
    expect(maskSensitiveData('a@redhat.com and b@redhat.com')).toBe('[EMAIL_REDACTED] and [EMAIL_REDACTED]');
  });
  it('test_mask_email_with_plus_tag', () => {
    expect(maskSensitiveData('send to user+tag@gmail.com now')).toBe('send to [EMAIL_REDACTED] now');
  });
  it('test_mask_email_with_subdomain', () => {
    expect(maskSensitiveData('admin@mail.example.com')).toBe('[EMAIL_REDACTED]');
  });
  it('test_mask_email_with_dots_and_dashes', () => {
    expect(maskSensitiveData('first.last-name_x%y@sub-domain.example.co.uk')).toBe('[EMAIL_REDACTED]');
  });
  it('test_mask_email_in_log_line (the take-ownership QA owner line)', () => {
    expect(maskSensitiveData('2025-11-27T21:55:00Z: INFO: QA Owner of advisory 151234 is updated to [qe-lead@redhat.com]')).toBe(
      '2025-11-27T21:55:00Z: INFO: QA Owner of advisory 151234 is updated to [[EMAIL_REDACTED]]',
    );
  });
  it('test_mask_preserves_line_breaks (multi-line text)', () => {
    expect(maskSensitiveData('line one x@y.com\nline two\n\nz@w.org end')).toBe('line one [EMAIL_REDACTED]\nline two\n\n[EMAIL_REDACTED] end');
  });
  it('test_mask_uppercase_email', () => {
    expect(maskSensitiveData('USER@EXAMPLE.COM')).toBe('[EMAIL_REDACTED]');
  });
  it('test_mask_email_in_angle_brackets', () => {
    expect(maskSensitiveData('From: Jane <jane@example.org>')).toBe('From: Jane <[EMAIL_REDACTED]>');
  });
  it('test_no_email_unchanged', () => {
    expect(maskSensitiveData('task [Take Ownership] status is changed to [Pass]')).toBe('task [Take Ownership] status is changed to [Pass]');
  });
  it('test_at_sign_alone_not_masked', () => {
    expect(maskSensitiveData('$10 @ store')).toBe('$10 @ store');
    expect(maskSensitiveData('@channel please look')).toBe('@channel please look');
  });
  it('test_none_returns_none', () => {
    expect(maskSensitiveData(null)).toBeNull();
  });
  it('test_empty_string_returns_empty', () => {
    expect(maskSensitiveData('')).toBe('');
  });
});
