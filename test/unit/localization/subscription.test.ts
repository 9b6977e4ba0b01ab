import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeSubscription,
  encodeSubscription,
  isControlMessage,
  type LogsPayload,
  MalformedLogsPayloadError,
} from '../../../lib/localization/index.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/logs/${name}`, import.meta.url), 'utf8'));
const withoutNote = ({ _source, ...rest }: Record<string, unknown>) => rest as LogsPayload;
const wrap = (bytes: Buffer) => ({ awslogs: { data: bytes.toString('base64') } });

describe('decodeSubscription', () => {
  it('decodes the documented Lambda subscription event', () => {
    const payload = decodeSubscription(fixture('subscription-lambda-docs.json').event);
    expect(payload).toMatchObject({
      owner: '123456789123',
      logGroup: 'testLogGroup',
      logStream: 'testLogStream',
      subscriptionFilters: ['testFilter'],
      messageType: 'DATA_MESSAGE',
    });
    expect(payload.logEvents.map((e) => e.message)).toEqual([
      '[ERROR] First test message',
      '[ERROR] Second test message',
    ]);
  });

  it('round-trips gzip + base64 and keeps 56-digit event ids as exact strings', () => {
    const payload = withoutNote(fixture('payload-data-message.json'));
    const event = { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
    const decoded = decodeSubscription(event);
    expect(decoded).toEqual(payload);
    expect(decoded.logEvents[0]?.id).toBe('31953106606966983378809025079804211143289615424298221568');
    expect(typeof decoded.logEvents[0]?.id).toBe('string');
    expect(decodeSubscription(encodeSubscription(decoded))).toEqual(decoded);
  });

  it('recognises the CONTROL_MESSAGE so callers can skip it', () => {
    const control = decodeSubscription(
      encodeSubscription(withoutNote(fixture('payload-control-message.json'))),
    );
    expect(isControlMessage(control)).toBe(true);
    expect(isControlMessage(decodeSubscription(fixture('subscription-lambda-docs.json').event))).toBe(false);
  });

  it('tolerates unknown extra fields', () => {
    const payload = { ...withoutNote(fixture('payload-data-message.json')), newField: 1 };
    expect(() => decodeSubscription(wrap(gzipSync(JSON.stringify(payload))))).not.toThrow();
  });

  const good = withoutNote(fixture('payload-data-message.json'));
  it.each([
    ['null', null],
    ['a string', 'H4sI'],
    ['no awslogs', { records: [] }],
    ['empty data', { awslogs: { data: '' } }],
    ['data that is not base64', { awslogs: { data: '%%% not base64 %%%' } }],
    ['base64 that is not gzip', wrap(Buffer.from('plain text, not gzip'))],
    ['gzip that is not JSON', wrap(gzipSync('{"owner": '))],
    ['JSON of the wrong shape', wrap(gzipSync(JSON.stringify({ hello: 'world' })))],
    ['an unknown message type', wrap(gzipSync(JSON.stringify({ ...good, messageType: 'OTHER' })))],
    [
      'a numeric event id',
      wrap(gzipSync(JSON.stringify({ ...good, logEvents: [{ id: 3.19e55, timestamp: 1, message: 'x' }] }))),
    ],
    [
      'a string timestamp',
      wrap(gzipSync(JSON.stringify({ ...good, logEvents: [{ id: '1', timestamp: 'now', message: 'x' }] }))),
    ],
  ])('rejects %s with MalformedLogsPayloadError', (_name, event) => {
    expect(() => decodeSubscription(event)).toThrow(MalformedLogsPayloadError);
    try {
      decodeSubscription(event);
    } catch (error) {
      expect((error as Error).name).toBe('MalformedLogsPayloadError');
    }
  });
});
