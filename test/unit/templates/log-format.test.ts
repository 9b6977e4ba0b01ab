import { describe, expect, it } from 'vitest';
import {
  compileLogFormat,
  fromLineRegex,
  InvalidLogFormatError,
  parseLine,
  WHOLE_LINE_FORMAT,
} from '../../../lib/templates/index.js';

describe('compileLogFormat', () => {
  const format = compileLogFormat('<Date> <Time> <Level> <Component>: <Content>');

  it('extracts the named fields of a matching line', () => {
    expect(parseLine(format, '2024-03-01 10:00:01 INFO api:   request done')).toEqual({
      Date: '2024-03-01',
      Time: '10:00:01',
      Level: 'INFO',
      Component: 'api',
      Content: 'request done',
    });
  });

  it('returns undefined for a line that does not match', () => {
    expect(parseLine(format, 'no structure here')).toBeUndefined();
  });

  it('drops the carriage return of CRLF lines', () => {
    expect(parseLine(format, '2024-03-01 10:00:01 INFO api: done\r')?.Content).toBe('done');
  });

  it('treats text between fields as regex source, as Loghub formats do', () => {
    const ssh = compileLogFormat('<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>');
    expect(parseLine(ssh, 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user x')?.Pid).toBe('24200');
  });

  it('takes the whole line as the message by default', () => {
    expect(parseLine(compileLogFormat(WHOLE_LINE_FORMAT), ' any thing ')?.Content).toBe(' any thing ');
  });

  it('rejects formats without <Content>, with repeated fields, or that do not compile', () => {
    expect(() => compileLogFormat('<Date> <Time>')).toThrow(InvalidLogFormatError);
    expect(() => compileLogFormat('<Content> <Content>')).toThrow(InvalidLogFormatError);
    expect(() => compileLogFormat('(<Content>')).toThrow(InvalidLogFormatError);
  });
});

describe('fromLineRegex', () => {
  it('uses the named groups of a ready-made regex', () => {
    const f = fromLineRegex('^(?<Level>\\w+)\\s+(?<Content>.*?)$');
    expect(parseLine(f, 'WARN disk low')).toEqual({ Level: 'WARN', Content: 'disk low' });
  });

  it('requires a Content group', () => {
    expect(() => fromLineRegex('^(?<Level>\\w+)$')).toThrow(InvalidLogFormatError);
  });
});
