/**
 * MurmurHash3 (x86, 32-bit), the well-mixed hash behind ring tokens and key positions.
 *
 * Written out here instead of pulled from a package because lookups are the hot path: an ASCII key (the
 * usual case) is hashed straight from its char codes, avoiding a TextEncoder allocation per key, which would be
 * most of the cost of a lookup. The output is bit-for-bit the reference murmur3_32 of the UTF-8 bytes, so other languages can
 * reproduce ring positions.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  let x = Math.imul(k, C1);
  x = (x << 15) | (x >>> 17);
  return Math.imul(x, C2);
}

function mixH(h: number, k: number): number {
  let x = h ^ mixK(k);
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  let x = h ^ length;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * murmur3_32 of the UTF-8 encoding of `text`, as an unsigned 32-bit integer.
 *
 * @example
 * murmur3('hello'); // 0x248bfa47
 */
export function murmur3(text: string, seed = 0): number {
  const length = text.length;
  let h = seed | 0;
  let i = 0;
  // Fast path: whole 4-character ASCII blocks are 4 UTF-8 bytes, mixed straight from the char codes.
  for (; i + 4 <= length; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return murmur3Bytes(utf8.encode(text), seed);
    h = mixH(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  let tail = 0;
  for (let shift = 0; i < length; i++, shift += 8) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return murmur3Bytes(utf8.encode(text), seed);
    tail |= c << shift;
  }
  if ((length & 3) !== 0) h ^= mixK(tail);
  return fmix(h, length);
}

const utf8 = new TextEncoder();

/** murmur3_32 of raw bytes (the reference algorithm; non-ASCII strings take this path). */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  let h = seed | 0;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    h = mixH(
      h,
      (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24),
    );
  }
  let tail = 0;
  for (let shift = 0; i < length; i++, shift += 8) tail |= (bytes[i] as number) << shift;
  if ((length & 3) !== 0) h ^= mixK(tail);
  return fmix(h, length);
}

/**
 * murmur3_32 of one 32-bit little-endian word: the cheap per-vnode token derivation (4 bytes, no string).
 *
 * @example
 * const token = murmur3Word(7, murmur3('node-1')); // the 8th token of node-1
 */
export function murmur3Word(value: number, seed: number): number {
  return fmix(mixH(seed | 0, value | 0), 4);
}
