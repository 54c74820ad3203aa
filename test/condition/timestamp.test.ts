import { describe, expect, it } from 'vitest';
import { isValidTimeZone, resolveTimestamp } from '../../src/condition/index.ts';

const iso = (literal: string, zone: string) =>
  resolveTimestamp(literal, zone)?.toISOString() ?? null;

describe('resolveTimestamp', () => {
  it.each([
    // Wall times are read in the zone the caller passes, not the server's and not UTC.
    ['2024-01-01', 'UTC', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01', 'Asia/Shanghai', '2023-12-31T16:00:00.000Z'],
    ['2024-01-01 08:30:15', 'Asia/Shanghai', '2024-01-01T00:30:15.000Z'],
    ['2024-07-01 12:00:00', 'America/New_York', '2024-07-01T16:00:00.000Z'],
    ['2024-01-01 12:00:00', 'America/New_York', '2024-01-01T17:00:00.000Z'],
    ['2024-07-01 12:00:00', 'Asia/Kolkata', '2024-07-01T06:30:00.000Z'],
    // An offset fixes the instant whatever the zone.
    ['2024-01-01T08:00:00Z', 'Asia/Shanghai', '2024-01-01T08:00:00.000Z'],
    ['2024-01-01T08:00:00+08:00', 'America/New_York', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01 08:00:00-05:30', 'UTC', '2024-01-01T13:30:00.000Z'],
    ['2024-01-01T08:00:00.5Z', 'UTC', '2024-01-01T08:00:00.500Z'],
    ['2024-01-01T08:00:00.123456789Z', 'UTC', '2024-01-01T08:00:00.123Z'],
    // Years below 100 are not shifted to the 1900s.
    ['0050-06-01 00:00:00', 'UTC', '0050-06-01T00:00:00.000Z'],
    ['0001-01-01', 'UTC', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31 23:59:59', 'UTC', '9999-12-31T23:59:59.000Z'],
  ])('%s in %s → %s', (literal, zone, expected) => {
    expect(iso(literal, zone)).toBe(expected);
  });

  it('moves a wall time in a DST gap forward by the gap (Temporal "compatible")', () => {
    // New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT; 02:30 never happens and means 03:30 EDT.
    expect(iso('2024-03-10 02:30:00', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
    expect(iso('2024-03-10 02:00:00', 'America/New_York')).toBe('2024-03-10T07:00:00.000Z');
    expect(iso('2024-03-10 01:59:59', 'America/New_York')).toBe('2024-03-10T06:59:59.000Z');
    expect(iso('2024-03-10 03:00:00', 'America/New_York')).toBe('2024-03-10T07:00:00.000Z');
    // Europe/London, 2024-03-31: 01:00 GMT jumps to 02:00 BST.
    expect(iso('2024-03-31 01:15:00', 'Europe/London')).toBe('2024-03-31T01:15:00.000Z');
  });

  it('takes the earlier instant for a wall time in a DST overlap', () => {
    // New York, 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    expect(iso('2024-11-03 01:30:00', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    expect(iso('2024-11-03 00:59:59', 'America/New_York')).toBe('2024-11-03T04:59:59.000Z');
    expect(iso('2024-11-03 02:00:00', 'America/New_York')).toBe('2024-11-03T07:00:00.000Z');
    // Lord Howe Island falls back by 30 minutes.
    expect(iso('2024-04-07 01:45:00', 'Australia/Lord_Howe')).toBe('2024-04-06T14:45:00.000Z');
  });

  it('handles a zone whose offset changed by a whole day (Samoa skipped 2011-12-30)', () => {
    expect(iso('2011-12-30 12:00:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
    expect(iso('2011-12-31 12:00:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
  });

  it.each([
    ['2024-02-30', 'UTC'],
    ['2024-01-01T00:00:00', 'UTC'],
    ['not a date', 'UTC'],
    ['2024-01-01', 'Mars/Olympus_Mons'],
    ['2024-01-01', ''],
  ])('returns null for %j in %j', (literal, zone) => {
    expect(resolveTimestamp(literal, zone)).toBeNull();
  });

  it('validates zones with Intl', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Asia/Shangai')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
