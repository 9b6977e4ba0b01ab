import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3, murmur3Bytes, murmur3Word } from '../../../lib/ring/murmur3.js';

describe('murmur3', () => {
  it('matches the reference murmur3_x86_32 vectors', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('', 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
    expect(murmur3Bytes(new Uint8Array([0x21, 0x43, 0x65, 0x87]))).toBe(0xf55b516b);
  });

  it('hashes a string exactly as its UTF-8 bytes', () => {
    const utf8 = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(murmur3(text, seed)).toBe(murmur3Bytes(utf8.encode(text), seed));
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('hashes a word as its four little-endian bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (w, seed) => {
          const bytes = new Uint8Array([w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]);
          expect(murmur3Word(w, seed)).toBe(murmur3Bytes(bytes, seed));
        },
      ),
      { seed: 4243, numRuns: 500 },
    );
  });
});
