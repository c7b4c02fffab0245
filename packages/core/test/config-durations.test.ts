import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../src/config/resources/durations.js';

describe('parseDurationMs', () => {
  it.each([
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['250ms', 250],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['100μs', 0.1],
    ['500ns', 0.0005],
    ['0s', 0],
    ['0', 0],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    ['.5s', 500],
    ['1.s', 1_000],
    ['7200s', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBeCloseTo(ms, 9);
  });

  it.each([
    '',
    '10',
    's',
    '1.5',
    '-1s',
    '+1s',
    '1 s',
    ' 1s',
    '1s ',
    '1d',
    '1S',
    '1sec',
    '1m30',
    '1..5s',
    'abc',
    '1e3s',
    '99999999999999999999h',
  ])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0s'],
    [0.1, '100us'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [3_723_004, '1h2m3.004s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });

  it('round-trips every whole number of milliseconds through parseDurationMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 3_600_000 }), (ms) => {
        expect(parseDurationMs(formatDurationMs(ms))).toBe(ms);
      }),
    );
  });
});
