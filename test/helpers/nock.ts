/** nock set-up shared by the HTTP client tests. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * No real network for the file's tests, and after each test every mocked request must have
 * been made (a request the code under test forgot fails the test); interceptors are cleared.
 */
export function strictNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked request was made').toEqual([]);
  });
}
