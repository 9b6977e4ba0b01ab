import { NoAvailableMemberError, RingTooLargeError } from './errors.js';
import { applyChange, canonicalMembers, type Member, type RingChange } from './members.js';
import { murmur3, murmur3Word } from './murmur3.js';
import { diffRings, type MovementPlan } from './plan.js';

/** The size of the key space: positions are unsigned 32-bit integers. */
export const KEY_SPACE = 2 ** 32;

/**
 * Tokens per unit of weight. Chosen from measurements (see README): at 100 members and 1M uniform keys this
 * gives max/mean ≈ 1.03, of which ≈ 1.025 is the sampling noise of 1M keys itself.
 */
export const DEFAULT_VNODES = 8192;

/** Hard cap on tokens so a typo in a weight cannot allocate gigabytes inside a Lambda. */
const MAX_TOKENS = 1 << 24;

export interface RingOptions {
  /** Tokens per unit of weight; more tokens, better balance, bigger ring. @default DEFAULT_VNODES */
  readonly vnodes?: number;
}

/** One stretch of key positions `[start, end)` and the member that owns it (null when nobody is up). */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly owner: string | null;
}

/**
 * A consistent-hash ring built from a member list. Only members in state `up` hold tokens. A key belongs to
 * the first token at or after `murmur3(key)`, wrapping at 2^32.
 *
 * Tokens depend only on each member's own id and weight (`murmur3Word(i, murmur3(id))`), so the same members
 * give the same ring in every process, and removing a member hands each of its arcs to the next token, which
 * belongs to a member that kept all of its own: removal moves nothing but the removed member's keys.
 *
 * Layout, chosen for lookups that stay fast at a million tokens: a jump table indexed by the top bits of the
 * position gives the slice of sorted tokens in that bucket, and each token is packed with its owner into one
 * 32-bit word (low bits of the token above, owner index below). A lookup reads one small, cache-resident jump
 * entry and scans a dozen adjacent words, usually a single cache line.
 *
 * @example
 * const ring = HashRing.build([member('node-a'), member('node-b'), member('node-c')]);
 * ring.lookup('tenant-42'); // 'node-b'
 * ring.preferenceList('tenant-42', 2); // ['node-b', 'node-a']
 * ring.plan({ kind: 'drain', id: 'node-b' }).movedFraction; // ≈ 1/3
 */
export class HashRing {
  /** Canonical (sorted by id) member list, all states. */
  readonly members: readonly Member[];
  readonly vnodes: number;
  /** Ids of the members that hold tokens (state up), in canonical order. */
  readonly ownerIds: readonly string[];
  /** Number of tokens on the ring. */
  readonly size: number;
  /** Sorted tokens: `(token & lowMask) << 16 | ownerIndex`. */
  private readonly packed: Uint32Array;
  /** `jump[b]` = index of the first token whose top bits are ≥ b; `jump[buckets]` = size. */
  private readonly jump: Uint32Array;
  private readonly shift: number;
  private readonly lowMask: number;

  private constructor(members: Member[], vnodes: number) {
    this.members = members;
    this.vnodes = vnodes;
    const up = members.filter((m) => m.state === 'up');
    if (up.length > 0xffff) throw new RingTooLargeError(`at most 65535 members may be up, got ${up.length}`);
    this.ownerIds = up.map((m) => m.id);
    const counts = up.map((m) => Math.max(1, Math.round(vnodes * m.weight)));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > MAX_TOKENS) {
      throw new RingTooLargeError(`the ring would hold ${total} tokens (max ${MAX_TOKENS}): lower weights`);
    }
    const tokens = new Uint32Array(total);
    const owners = new Uint16Array(total);
    let at = 0;
    up.forEach((m, index) => {
      const seed = murmur3(m.id);
      const count = counts[index] ?? 0;
      for (let i = 0; i < count; i++) {
        tokens[at] = murmur3Word(i, seed);
        owners[at] = index;
        at++;
      }
    });
    // Stable sort by token: equal tokens (a few dozen among a million) stay in canonical member order, so
    // which member wins a tie never depends on who else is in the ring.
    radixSort(tokens, owners);
    this.size = total;

    // At least 16 bucket bits so a token's remaining low bits fit the packed word's upper half; more for
    // very large rings so a bucket holds a dozen tokens or so.
    const bits = Math.min(24, Math.max(16, Math.ceil(Math.log2(Math.max(1, total))) - 3));
    this.shift = 32 - bits;
    this.lowMask = 2 ** this.shift - 1;
    const buckets = 2 ** bits;
    const jump = new Uint32Array(buckets + 1);
    const packed = new Uint32Array(total);
    let i = 0;
    for (let b = 0; b < buckets; b++) {
      jump[b] = i;
      while (i < total && (tokens[i] as number) >>> this.shift === b) {
        packed[i] = (((tokens[i] as number) & this.lowMask) * 0x10000 + (owners[i] as number)) >>> 0;
        i++;
      }
    }
    jump[buckets] = total;
    this.jump = jump;
    this.packed = packed;
  }

  /** Sorted token positions (materialised on each call: for plans and audits, not the lookup path). */
  get tokens(): Uint32Array {
    const out = new Uint32Array(this.size);
    const buckets = this.jump.length - 1;
    for (let b = 0; b < buckets; b++) {
      const high = b * 2 ** this.shift;
      for (let i = this.jump[b] as number; i < (this.jump[b + 1] as number); i++) {
        out[i] = high + ((this.packed[i] as number) >>> 16);
      }
    }
    return out;
  }

  /** `owners[i]` indexes `ownerIds` for `tokens[i]` (materialised on each call). */
  get owners(): Uint16Array {
    const out = new Uint16Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = (this.packed[i] as number) & 0xffff;
    return out;
  }

  /** Builds the ring for these members (any order; ids must be unique). */
  static build(members: readonly Member[], options: RingOptions = {}): HashRing {
    const vnodes = options.vnodes ?? DEFAULT_VNODES;
    if (!(Number.isInteger(vnodes) && vnodes >= 1))
      throw new RingTooLargeError(`vnodes must be a positive integer`);
    return new HashRing(canonicalMembers(members), vnodes);
  }

  /** Position of a key on the ring. */
  static position(key: string): number {
    return murmur3(key);
  }

  /** Index of the token that owns a position. */
  private successor(position: number): number {
    const packed = this.packed;
    const bucket = position >>> this.shift;
    const low = position & this.lowMask;
    let i = this.jump[bucket] as number;
    const end = this.jump[bucket + 1] as number;
    while (i < end && (packed[i] as number) >>> 16 < low) i++;
    // Past the bucket's last token the owner is the next bucket's first token, or the ring wraps to index 0.
    return i === this.size ? 0 : i;
  }

  private ownerOf(index: number): string {
    return this.ownerIds[(this.packed[index] as number) & 0xffff] as string;
  }

  /**
   * The member that owns `key`.
   *
   * @example
   * ring.lookup('order-1234'); // 'node-c'
   */
  lookup(key: string): string {
    if (this.size === 0) throw new NoAvailableMemberError();
    return this.ownerOf(this.successor(murmur3(key)));
  }

  /** The member that owns a ring position (what `lookup` does after hashing). */
  ownerAt(position: number): string {
    if (this.size === 0) throw new NoAvailableMemberError();
    return this.ownerOf(this.successor(position >>> 0));
  }

  /**
   * `n` distinct members for `key`, owner first, then the owners of the following tokens (replica placement).
   * Returns fewer when fewer than `n` members are up.
   *
   * @example
   * ring.preferenceList('order-1234', 3); // ['node-c', 'node-a', 'node-f']
   */
  preferenceList(key: string, n: number): string[] {
    const total = this.size;
    if (total === 0) throw new NoAvailableMemberError();
    const want = Math.min(n, this.ownerIds.length);
    const out: string[] = [];
    const seen = new Set<number>();
    let i = this.successor(murmur3(key));
    for (let steps = 0; out.length < want && steps < total; steps++) {
      const owner = (this.packed[i] as number) & 0xffff;
      if (!seen.has(owner)) {
        seen.add(owner);
        out.push(this.ownerIds[owner] as string);
      }
      i = i + 1 === total ? 0 : i + 1;
    }
    return out;
  }

  /** The ring as contiguous owner segments covering `[0, 2^32)` in order (empty arcs left out). */
  segments(): Segment[] {
    const total = this.size;
    const tokens = this.tokens;
    if (total === 0) return [{ start: 0, end: KEY_SPACE, owner: null }];
    const out: Segment[] = [];
    let start = 0;
    for (let i = 0; i < total; i++) {
      const end = (tokens[i] as number) + 1;
      if (end > start) out.push({ start, end, owner: this.ownerOf(i) });
      start = Math.max(start, end);
    }
    // Past the last token the ring wraps to the first token.
    if (start < KEY_SPACE) out.push({ start, end: KEY_SPACE, owner: this.ownerOf(0) });
    return out;
  }

  /** Fraction of the key space each up member owns. */
  shares(): Map<string, number> {
    const out = new Map<string, number>(this.ownerIds.map((id) => [id, 0]));
    const total = this.size;
    if (total === 0) return out;
    const tokens = this.tokens;
    const acc = new Float64Array(this.ownerIds.length);
    let previous = (tokens[total - 1] as number) - KEY_SPACE;
    for (let i = 0; i < total; i++) {
      const token = tokens[i] as number;
      const owner = (this.packed[i] as number) & 0xffff;
      acc[owner] = (acc[owner] as number) + token - previous;
      previous = token;
    }
    this.ownerIds.forEach((id, index) => {
      out.set(id, (acc[index] as number) / KEY_SPACE);
    });
    return out;
  }

  /** Largest weight-normalised share over the mean: 1 is perfect balance. */
  maxOverMean(): number {
    const up = this.members.filter((m) => m.state === 'up');
    const totalWeight = up.reduce((a, m) => a + m.weight, 0);
    const shares = this.shares();
    let worst = 0;
    for (const m of up) worst = Math.max(worst, (shares.get(m.id) ?? 0) / (m.weight / totalWeight));
    return worst;
  }

  /** The ring after `change` (the member list is the only input; nothing else carries over). */
  apply(change: RingChange): HashRing {
    return new HashRing(applyChange(this.members, change).members, this.vnodes);
  }

  /**
   * The exact key ranges `change` would move, from which member to which.
   *
   * @example
   * const plan = ring.plan({ kind: 'remove', id: 'node-c' });
   * plan.transfers; // [{ from: 'node-c', to: 'node-a', fraction: 0.012, ranges: 97 }, ...]
   */
  plan(change: RingChange): MovementPlan {
    return diffRings(this, this.apply(change), change);
  }

  /** Bytes the built ring holds (packed tokens and jump table). */
  get byteLength(): number {
    return this.packed.byteLength + this.jump.byteLength;
  }
}

/** Stable LSD radix sort of `keys` (two 16-bit passes), permuting `values` alongside. */
function radixSort(keys: Uint32Array, values: Uint16Array): void {
  const n = keys.length;
  let srcK: Uint32Array = keys;
  let srcV: Uint16Array = values;
  let dstK: Uint32Array = new Uint32Array(n);
  let dstV: Uint16Array = new Uint16Array(n);
  const counts = new Uint32Array(1 << 16);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const b = ((srcK[i] as number) >>> shift) & 0xffff;
      counts[b] = (counts[b] as number) + 1;
    }
    let sum = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b] as number;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = srcK[i] as number;
      const b = (k >>> shift) & 0xffff;
      const slot = counts[b] as number;
      counts[b] = slot + 1;
      dstK[slot] = k;
      dstV[slot] = srcV[i] as number;
    }
    [srcK, dstK] = [dstK, srcK];
    [srcV, dstV] = [dstV, srcV];
  }
  // After an even number of passes the sorted data is back in the caller's arrays.
}
