import { describe, expect, it } from 'vitest';
import { carriesWatchTag, parseWatchTag, WatchTagConfigError } from '../../../lib/alarms/index.js';

describe('watch tag', () => {
  it('is off when unset', () => {
    expect(parseWatchTag(undefined)).toBeUndefined();
  });

  it('matches on the key, and on the value when one is given', () => {
    const keyOnly = parseWatchTag('{"key":"faultline"}');
    const keyValue = parseWatchTag('{"key":"faultline","value":"on"}');
    if (!keyOnly || !keyValue) throw new Error('parse failed');
    expect(carriesWatchTag({ faultline: 'anything' }, keyOnly)).toBe(true);
    expect(carriesWatchTag({ other: 'on' }, keyOnly)).toBe(false);
    expect(carriesWatchTag({ faultline: 'on' }, keyValue)).toBe(true);
    expect(carriesWatchTag({ faultline: 'off' }, keyValue)).toBe(false);
  });

  it('rejects a malformed setting with a typed error', () => {
    expect(() => parseWatchTag('{"value":"x"}')).toThrow(WatchTagConfigError);
  });
});
