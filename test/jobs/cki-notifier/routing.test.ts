import { describe, expect, it } from 'vitest';
import { retriageAllows, routeMessage } from '../../../src/jobs/cki-notifier/routing.ts';

const route = (status: Parameters<typeof routeMessage>[0]['status'], misc: Record<string, boolean> = {}, outcomeChanged = false) =>
  routeMessage({ status, checkoutMisc: misc, outcomeChanged });

describe('routing table (README "Supported status values")', () => {
  it('build_setups_finished -> pre-test', () => {
    expect(route('build_setups_finished', { notification_sent_build_setups_finished: true })).toMatchObject({ route: 'pre_test', kind: 'pre_test' });
  });

  it('ready_to_report -> post-test', () => {
    expect(route('ready_to_report', { ready_to_report: true })).toMatchObject({ route: 'post_test', kind: 'post_test' });
  });

  describe('unknown -> decided by the checkout misc flags', () => {
    it('misc.ready_to_report -> post-test', () => {
      expect(route('unknown', { ready_to_report: true })).toMatchObject({ route: 'post_test', kind: 'post_test' });
    });
    it('misc.notification_sent_build_setups_finished -> pre-test', () => {
      expect(route('unknown', { notification_sent_build_setups_finished: true })).toMatchObject({ route: 'pre_test', kind: 'pre_test' });
    });
    it('both flags -> post-test (the later stage wins)', () => {
      expect(route('unknown', { ready_to_report: true, notification_sent_build_setups_finished: true })).toMatchObject({ kind: 'post_test' });
    });
    it('no flag -> skipped as unknown_stage', () => {
      expect(route('unknown', {})).toMatchObject({ skip: 'unknown_stage' });
      expect(routeMessage({ status: 'unknown', checkoutMisc: undefined, outcomeChanged: false })).toMatchObject({ skip: 'unknown_stage' });
    });
    it('a false flag is not a flag', () => {
      expect(route('unknown', { ready_to_report: false, notification_sent_build_setups_finished: false })).toMatchObject({ skip: 'unknown_stage' });
    });
  });

  describe('the race: DataWarehouse emits before it persists the flags, the message status is trusted', () => {
    it('ready_to_report without misc.ready_to_report still goes post-test', () => {
      expect(route('ready_to_report', {})).toMatchObject({ route: 'post_test' });
      expect(routeMessage({ status: 'ready_to_report', checkoutMisc: null, outcomeChanged: false })).toMatchObject({ route: 'post_test' });
    });
    it('build_setups_finished without misc.notification_sent_build_setups_finished still goes pre-test', () => {
      expect(route('build_setups_finished', {})).toMatchObject({ route: 'pre_test' });
    });
    it('build_setups_finished is not upgraded by a checkout that already reached ready_to_report', () => {
      expect(route('build_setups_finished', { ready_to_report: true })).toMatchObject({ route: 'pre_test' });
    });
  });

  describe('checkout_issueoccurrences_changed -> post-test only on fail -> pass', () => {
    it('reported checkout + outcome changed -> retriage candidate (post-test)', () => {
      expect(route('checkout_issueoccurrences_changed', { ready_to_report: true }, true)).toMatchObject({ route: 'retriage', kind: 'post_test' });
    });
    it('not reported yet (misc.ready_to_report not true) -> skipped', () => {
      expect(route('checkout_issueoccurrences_changed', {}, true)).toMatchObject({ skip: 'retriage_not_reported' });
    });
    it('outcome did not change -> skipped', () => {
      expect(route('checkout_issueoccurrences_changed', { ready_to_report: true }, false)).toMatchObject({ skip: 'retriage_outcome_unchanged' });
    });
    it('current status fail or error (pass -> fail regression) -> skipped; success -> allowed', () => {
      expect(retriageAllows('fail')).toMatchObject({ allowed: false, skip: 'retriage_not_passing' });
      expect(retriageAllows('error')).toMatchObject({ allowed: false, skip: 'retriage_not_passing' });
      expect(retriageAllows('success')).toEqual({ allowed: true });
    });
  });
});
