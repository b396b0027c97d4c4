import { describe, expect, it } from 'vitest';
import { describeError } from '../src/describe-error.ts';
import { userMessageOf, CommandError } from '../src/commands/errors.ts';
import { errorMessage } from '../src/commands/approval/log.ts';
import { errorText as jobErrorText } from '../src/jobs/types.ts';
import { errorText as storeErrorText } from '../src/store/common.ts';
import { IntegrationError } from '../src/integrations/http.ts';

describe('describeError: one error, one line', () => {
  it('prefers the sentence an error carries for users', () => {
    const e = new IntegrationError({ system: 'Jira', operation: 'reading OCPBUGS-1', userMessage: 'Jira said no' });
    expect(describeError(e)).toBe('Jira said no');
    expect(describeError({ userMessage: 'plain object with a sentence' })).toBe('plain object with a sentence');
  });

  it('falls back to the message, then the name, then the string', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(new TypeError(''))).toBe('TypeError');
    expect(describeError('text')).toBe('text');
    expect(describeError(42)).toBe('42');
  });

  it('spells out an AggregateError with an empty message (a refused multi-address connection)', () => {
    const refused = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], ''), { code: 'ECONNREFUSED' });
    expect(describeError(refused)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeError(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  });

  it('is the function behind every former copy', () => {
    expect(errorMessage).toBe(describeError);
    expect(jobErrorText).toBe(describeError);
    expect(storeErrorText).toBe(describeError);
  });

  it('userMessageOf keeps its rule for users on top of it', () => {
    expect(userMessageOf(new CommandError('no such advisory'))).toBe('no such advisory');
    expect(userMessageOf(new Error('socket hang up\n    at stack'))).toBe('unexpected error: socket hang up');
    expect(userMessageOf('weird')).toBe('unexpected error: weird');
    expect(userMessageOf({ userMessage: 'carried' })).toBe('carried');
  });
});
