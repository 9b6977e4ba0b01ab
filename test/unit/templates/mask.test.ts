import { describe, expect, it } from 'vitest';
import { maskVariables, tokenize } from '../../../lib/templates/index.js';

describe('maskVariables', () => {
  it.each([
    ['numbers', 'took 125 ms, retried 3 times', 'took <*> ms, retried <*> times'],
    ['negative and decimal numbers', 'delta -4 ratio 0.75', 'delta <*> ratio <*>'],
    ['hex with 0x', 'flags=0x1f at 0xDEADBEEF', 'flags=<*> at <*>'],
    ['long hex without digits', 'mask=ffffffff', 'mask=<*>'],
    ['IPv4 with port and slash as one value', 'from /10.250.10.6:50010 to 10.0.0.1', 'from <*> to <*>'],
    ['ids with digits', 'block blk_-1608999687919862906 on dn228', 'block <*> on <*>'],
    ['UUIDs', 'request 123e4567-e89b-12d3-a456-426614174000 ok', 'request <*> ok'],
    ['unix paths', 'open /var/lib/app/data.db failed', 'open <*> failed'],
    ['windows paths', 'loaded C:\\Windows\\System32\\x.dll', 'loaded <*>'],
    ['URLs', 'GET https://example.com/a?b=1] ok', 'GET <*>] ok'],
    ['ISO timestamps', 'at 2024-05-01T10:00:00.123Z retry', 'at <*> retry'],
    ['syslog timestamps', 'connection at Sat Jun 18 02:08:10 2005', 'connection at <*>'],
    ['numeric dates and times', '17/06/09 20:10:40 start', '<*> <*> start'],
    ['sizes with units', 'stored (size 12.5 KB, free 3 GB)', 'stored (size <*>, free <*>)'],
    ['booleans and null', 'visible=true cached=null', 'visible=<*> cached=<*>'],
    ['quoted values after =', 'tag="View Lock" name=x', 'tag="<*>" name=x'],
    ['the numeric part of dotted names only', 'generating core.2275', 'generating core.<*>'],
    ['port after a host name', 'Thread.java:745', 'Thread.java:<*>'],
  ])('masks %s', (_name, input, expected) => {
    expect(maskVariables(input)).toBe(expected);
  });

  it.each([
    ['plain words', 'session opened for user root'],
    ['dotted identifiers', 'received android.intent.action.SCREEN_ON'],
    ['names with one trailing digit', 'protocol ssh2 on eth0'],
    ['punctuation', '*** NEW SWEEP ***'],
  ])('keeps %s', (_name, input) => {
    expect(maskVariables(input)).toBe(input);
  });
});

describe('tokenize', () => {
  it('splits masked text on any whitespace', () => {
    expect(tokenize('  Received  block blk_1 of size 91178\tfrom /10.250.10.6 ')).toEqual([
      'Received',
      'block',
      '<*>',
      'of',
      'size',
      '<*>',
      'from',
      '<*>',
    ]);
  });

  it('returns no tokens for a blank message', () => {
    expect(tokenize('   ')).toEqual([]);
  });
});
