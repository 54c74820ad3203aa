// The date-time texts databases hand back, read as the UTC instants they stand for whatever
// zone the machine runs in.
import { describe, expect, it } from 'vitest';
import { isoDateTime } from '../../../src/db/direct-sql.ts';

describe('isoDateTime', () => {
  it.each([
    ['2025-01-01T00:00:00.000+00:00', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01 08:30:00', '2025-01-01T08:30:00.000Z'],
    ['2025-01-01 08:30:00.123', '2025-01-01T08:30:00.123Z'],
    ['2025-01-01T08:30:00Z', '2025-01-01T08:30:00.000Z'],
    ['2025-01-01 08:30:00+08', '2025-01-01T00:30:00.000Z'],
    ['2025-01-01 08:30:00-0130', '2025-01-01T10:00:00.000Z'],
    ['2025-01-01', '2025-01-01T00:00:00.000Z'],
  ])('%s is %s', (text, instant) => {
    expect(new Date(isoDateTime(text)).toISOString()).toBe(instant);
  });
});
