import { describe, expect, it } from 'vitest';
import { parseUtcInput } from '@/components/ui/utc-time';
import { parseResetForm, type ResetForm, resetFormKey } from './reset-form';

const form = (f: Partial<ResetForm>): ResetForm => ({ topic: 't', partitions: '', target: 'earliest', value: '', ...f });

describe('reset-offsets form', () => {
  it('an empty or invalid time is an error, never "earliest"', () => {
    expect(parseResetForm(form({ target: 'timestamp', value: '' }))).toEqual({
      ok: false,
      error: expect.stringMatching(/Enter the time \(UTC\)/),
    });
    expect(parseResetForm(form({ target: 'timestamp', value: '2026-02-30T10:00' })).ok).toBe(false);
    expect(parseResetForm(form({ target: 'timestamp', value: 'yesterday' })).ok).toBe(false);
  });

  it('reads the time as UTC, whatever the browser zone', () => {
    expect(parseUtcInput('2026-11-30T18:45')).toBe(Date.UTC(2026, 10, 30, 18, 45));
    expect(parseUtcInput('2026-11-30T18:45:07.25')).toBe(Date.UTC(2026, 10, 30, 18, 45, 7, 250));
    expect(parseResetForm(form({ target: 'timestamp', value: '2026-01-01T00:00:10' }))).toMatchObject({
      ok: true,
      to: { timestamp: Date.UTC(2026, 0, 1, 0, 0, 10) },
    });
  });

  it('an empty or broken offset or partition list is an error, never 0', () => {
    expect(parseResetForm(form({ target: 'offset', value: '' })).ok).toBe(false);
    expect(parseResetForm(form({ target: 'offset', value: '-4' })).ok).toBe(false);
    expect(parseResetForm(form({ target: 'offset', value: '1.5' })).ok).toBe(false);
    expect(parseResetForm(form({ target: 'offset', value: '42' }))).toMatchObject({ ok: true, to: { offset: 42 } });
    expect(parseResetForm(form({ partitions: '0, x' })).ok).toBe(false);
    expect(parseResetForm(form({ partitions: ' 2, 0,2 ' }))).toMatchObject({ ok: true, partitions: [2, 0], to: 'earliest' });
  });

  it('a preview belongs to the form it was made for', () => {
    expect(resetFormKey(form({ target: 'earliest' }))).not.toBe(resetFormKey(form({ target: 'latest' })));
    expect(resetFormKey(form({ target: 'latest', value: 'left over' }))).toBe(resetFormKey(form({ target: 'latest' })));
    expect(resetFormKey(form({ target: 'offset', value: '5' }))).not.toBe(resetFormKey(form({ target: 'offset', value: '6' })));
  });
});
