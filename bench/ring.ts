/**
 * Ring benchmark: this ring against the npm package `hashring` (ketama, 160 points per server) on the same
 * 1,000,000 seeded random keys at N = 10 and N = 100, in one process.
 *
 *   npm run bench:ring            readable figures, then one JSON line
 *   npm run bench:ring -- --json  the JSON line only
 *   npm run bench:ring -- --sweep balance, size and build time for several vnode counts at N = 100 (README table)
 *
 * Prints figures; never passes or fails on time.
 */
import { createRequire } from 'node:module';
import { HashRing, member } from '../lib/ring/index.js';
import { seededRandom } from '../lib/testing/rng.js';

interface KetamaRing {
  get(key: string): string;
}
type KetamaRingCtor = new (servers: string[]) => KetamaRing;

// hashring is CommonJS without types; a narrow local signature is all the benchmark needs.
const HashRingKetama = createRequire(import.meta.url)('hashring') as KetamaRingCtor;

const KEYS = 1_000_000;
const SEED = 0x5eed_1234;
const jsonOnly = process.argv.includes('--json');
const say = (line: string): void => {
  if (!jsonOnly) console.log(line);
};

const prng = seededRandom;

function makeKeys(count: number, seed: number): string[] {
  const random = prng(seed);
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const hi = Math.floor(random() * 0x1000000).toString(16);
    const lo = Math.floor(random() * 0x1000000).toString(16);
    // Flattened once here, so the timed loops measure hashing, not rope flattening.
    keys[i] = `key-${hi}${lo}`.split('').join('');
  }
  return keys;
}

/**
 * Lookups per second for each contender: best of `runs` timed passes over all keys, after a warm-up pass,
 * with the contenders' passes interleaved so a busy machine slows both alike.
 */
function lookupsPerSec(
  keys: readonly string[],
  contenders: ReadonlyArray<(key: string) => string>,
  runs = 4,
): number[] {
  let sink = 0;
  const best = contenders.map((lookup) => {
    for (const key of keys) sink += lookup(key).length;
    return Number.POSITIVE_INFINITY;
  });
  for (let r = 0; r < runs; r++) {
    contenders.forEach((lookup, c) => {
      const start = performance.now();
      for (let i = 0; i < keys.length; i++) sink += lookup(keys[i] as string).length;
      best[c] = Math.min(best[c] as number, performance.now() - start);
    });
  }
  if (sink === 0) console.error('unreachable: keeps the loops from being optimised away');
  return best.map((ms) => Math.round(keys.length / (ms / 1000)));
}

function owners(keys: readonly string[], lookup: (key: string) => string): string[] {
  return keys.map(lookup);
}

function maxOverMean(assigned: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (const owner of assigned) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return Math.max(...counts.values()) / (assigned.length / n);
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

function measure(n: number, keys: readonly string[]) {
  const ids = Array.from({ length: n }, (_, i) => `node-${i}`);
  const members = ids.map((id) => member(id));

  const buildTimes: number[] = [];
  let ring = HashRing.build(members);
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    ring = HashRing.build(members);
    buildTimes.push(performance.now() - start);
  }
  buildTimes.sort((a, b) => a - b);
  const buildMs = buildTimes[Math.floor(buildTimes.length / 2)] ?? 0;

  const ketama = new HashRingKetama(ids);
  const built = ring;
  const [ours = 0, theirs = 1] = lookupsPerSec(keys, [(k) => built.lookup(k), (k) => ketama.get(k)]);

  const before = owners(keys, (k) => ring.lookup(k));
  const ketamaOwners = owners(keys, (k) => ketama.get(k));

  // Remove a member that is neither first nor last in id order.
  const removed = `node-${Math.floor(n / 2)}`;
  const afterRemove = ring.apply({ kind: 'remove', id: removed });
  let movedRemove = 0;
  let excessRemove = 0;
  keys.forEach((key, i) => {
    const now = afterRemove.lookup(key);
    if (now !== before[i]) {
      movedRemove++;
      if (before[i] !== removed) excessRemove++;
    }
  });

  const added = `node-${n}`;
  const afterAdd = ring.apply({ kind: 'add', member: { id: added } });
  let movedAdd = 0;
  let addedElsewhere = 0;
  keys.forEach((key, i) => {
    const now = afterAdd.lookup(key);
    if (now !== before[i]) {
      movedAdd++;
      if (now !== added) addedElsewhere++;
    }
  });

  const exactRemove = ring.plan({ kind: 'remove', id: removed });
  const result = {
    lookupsPerSec: ours,
    hashringLookupsPerSec: theirs,
    speedup: round(ours / theirs, 2),
    maxOverMean: round(maxOverMean(before, n)),
    hashringMaxOverMean: round(maxOverMean(ketamaOwners, n)),
    movedOnRemove: round(movedRemove / keys.length),
    excessOnRemove: excessRemove,
    movedOnAdd: round(movedAdd / keys.length),
    idealOnAdd: round(1 / (n + 1)),
    buildMs: round(buildMs, 1),
    ringBytes: ring.byteLength,
  };
  say(
    `N=${n}: ${ring.tokens.length} tokens (${ring.vnodes} per member), build ${result.buildMs} ms, ${result.ringBytes} bytes`,
  );
  say(
    `  lookups/s      ${ours.toLocaleString('en')} vs hashring ${theirs.toLocaleString('en')} (×${result.speedup})`,
  );
  say(
    `  max/mean keys  ${result.maxOverMean} vs hashring ${result.hashringMaxOverMean}; key-space share ${round(ring.maxOverMean())}`,
  );
  say(
    `  remove ${removed}: moved ${result.movedOnRemove} of keys (exact ${round(exactRemove.movedFraction)} in ${exactRemove.ranges.length} ranges), excess ${excessRemove} keys`,
  );
  say(
    `  add ${added}: moved ${result.movedOnAdd} (ideal ${result.idealOnAdd}, ratio ${round(result.movedOnAdd / result.idealOnAdd, 3)}), to others ${addedElsewhere} keys`,
  );
  return result;
}

/** The measurements behind DEFAULT_VNODES: how balance, size and plan length trade off at N = 100. */
function sweep(keys: readonly string[]): void {
  const members = Array.from({ length: 100 }, (_, i) => member(`node-${i}`));
  console.log('vnodes  keyMaxOverMean  shareMaxOverMean  buildMs  ringBytes  rangesOnRemove');
  for (const vnodes of [160, 1024, 2048, 4096, 8192, 16384]) {
    const start = performance.now();
    const ring = HashRing.build(members, { vnodes });
    const buildMs = performance.now() - start;
    const keyBalance = maxOverMean(
      owners(keys, (k) => ring.lookup(k)),
      100,
    );
    const ranges = ring.plan({ kind: 'remove', id: 'node-50' }).ranges.length;
    console.log(
      [vnodes, round(keyBalance), round(ring.maxOverMean()), round(buildMs, 1), ring.byteLength, ranges]
        .map(String)
        .join('  '),
    );
  }
}

const keys = makeKeys(KEYS, SEED);
if (process.argv.includes('--sweep')) {
  sweep(keys);
  process.exit(0);
}
say(`${KEYS.toLocaleString('en')} keys, seed ${SEED.toString(16)}, node ${process.version}`);
const n10 = measure(10, keys);
const n100 = measure(100, keys);
console.log(JSON.stringify({ n10, n100 }));
