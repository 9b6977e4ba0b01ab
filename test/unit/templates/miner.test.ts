import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidMinerStateError,
  type MinerLimits,
  type MinerState,
  mergeTokens,
  TemplateMiner,
} from '../../../lib/templates/index.js';

/** Synthetic events: fixed words with variable slots of several kinds (words, numbers, addresses, ids). */
const EVENTS = [
  (v: string[]) => `session opened for user ${v[0]} by (uid=${v[1]})`,
  (v: string[]) => `session closed for user ${v[0]}`,
  (v: string[]) => `Accepted password for ${v[0]} from ${v[2]} port ${v[1]} ssh2`,
  (v: string[]) => `Failed password for ${v[0]} from ${v[2]} port ${v[1]} ssh2`,
  (v: string[]) => `Received block blk_${v[1]} of size ${v[1]} from /${v[2]}`,
  () => `cupsd startup succeeded`,
  () => `cupsd shutdown succeeded`,
  (v: string[]) => `worker ${v[0]} state=${v[3]} queue=${v[1]}`,
  (v: string[]) => `${v[3]} ${v[0]} ${v[1]}`,
  (v: string[]) => `GC pause ${v[1]} ms`,
];
const USERS = ['root', 'admin', 'guest', 'alice', 'bob', 'carol', 'dave', 'test9'];
const STATES = ['idle', 'busy', 'draining', 'true', 'false'];

const lineArb = fc
  .tuple(
    fc.nat(EVENTS.length - 1),
    fc.constantFrom(...USERS),
    fc.nat(99_999),
    fc.tuple(fc.nat(255), fc.nat(255)),
    fc.constantFrom(...STATES),
  )
  .map(([e, user, n, [a, b], state]) =>
    (EVENTS[e] as (v: string[]) => string)([user, String(n), `10.0.${a}.${b}`, state]),
  );
const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 120 });
const limitsArb = fc.constantFrom<Partial<MinerLimits>>({}, { maxClusters: 4 }, { maxStateBytes: 400 });

function run(miner: TemplateMiner, lines: readonly string[]) {
  return lines.map((l) => {
    const a = miner.add(l);
    return [a.clusterId, a.template, a.isNew] as const;
  });
}

/** What must not change when a miner stops and resumes: every assignment, id resolution and the final state. */
function resumes(
  lines: readonly string[],
  cut: number,
  limits: Partial<MinerLimits>,
  restore: (state: MinerState) => TemplateMiner,
): boolean {
  const straight = new TemplateMiner(limits);
  const expected = run(straight, lines);
  const first = new TemplateMiner(limits);
  const head = run(first, lines.slice(0, cut));
  const state = JSON.parse(JSON.stringify(first.toState())) as MinerState;
  const resumed = restore(state);
  const tail = run(resumed, lines.slice(cut));
  const ids = expected.map(([id]) => id);
  return (
    JSON.stringify([...head, ...tail]) === JSON.stringify(expected) &&
    JSON.stringify(ids.map((id) => resumed.resolve(id))) ===
      JSON.stringify(ids.map((id) => straight.resolve(id))) &&
    JSON.stringify(resumed.toState()) === JSON.stringify(straight.toState())
  );
}

const resumeProperty = (restore: (state: MinerState, limits: Partial<MinerLimits>) => TemplateMiner) =>
  fc.property(linesArb, fc.nat(), limitsArb, (lines, cut, limits) =>
    resumes(lines, cut % (lines.length + 1), limits, (s) => restore(s, limits)),
  );

describe('TemplateMiner', () => {
  it('groups lines of one event and wildcards what varies', () => {
    const miner = new TemplateMiner();
    miner.add('Connection from 10.0.0.1 closed');
    expect(miner.add('Connection from 10.0.0.7 closed').template).toBe('Connection from <*> closed');
    for (const user of ['root', 'admin', 'guest']) miner.add(`session closed for user ${user}`);
    expect(miner.add('session closed for user zed')).toMatchObject({
      template: 'session closed for user <*>',
      isNew: false,
    });
  });

  it('keeps two events apart when only two words alternate', () => {
    const miner = new TemplateMiner();
    const a = miner.add('cupsd startup succeeded');
    const b = miner.add('cupsd shutdown succeeded');
    expect(a.clusterId).not.toBe(b.clusterId);
    expect(miner.templates().map((t) => t.template)).toEqual([
      'cupsd startup succeeded',
      'cupsd shutdown succeeded',
    ]);
  });

  it('resolves merged ids to the surviving template', () => {
    const miner = new TemplateMiner();
    const ids = ['ann', 'ben', 'cat'].map((u) => miner.add(`login failed for user ${u} from <*>`).clusterId);
    const survivors = new Set(ids.map((id) => miner.resolve(id)));
    expect(survivors.size).toBe(1);
    expect(miner.template(ids[1] as number)).toBe('login failed for user <*> from <*>');
  });

  it('is deterministic: the same input gives the same assignments and state', () => {
    fc.assert(
      fc.property(linesArb, limitsArb, (lines, limits) => {
        const a = new TemplateMiner(limits);
        const b = new TemplateMiner(limits);
        expect(run(a, lines)).toEqual(run(b, lines));
        expect(a.toState()).toEqual(b.toState());
      }),
      { seed: 20_241_105, numRuns: 200 },
    );
  });

  it('resumes from its JSON state exactly as if it had not stopped', () => {
    fc.assert(
      resumeProperty((s, limits) => TemplateMiner.fromState(s, limits)),
      { seed: 7_031, numRuns: 300 },
    );
  });

  it('the resume check catches a restore that loses recency (negative control)', () => {
    const broken = (s: MinerState, limits: Partial<MinerLimits>) =>
      TemplateMiner.fromState({ ...s, clusters: s.clusters.map(([id, t, c]) => [id, t, c, 1]) }, limits);
    const result = fc.check(resumeProperty(broken), { seed: 7_031, numRuns: 300 });
    expect(result.failed).toBe(true);
  });

  it('stays within its state budget under a flood of distinct lines', () => {
    const miner = new TemplateMiner();
    for (let i = 0; i < 20_000; i++) {
      const words = Array.from(
        { length: 1 + (i % 40) },
        (_, j) => `w${String.fromCharCode(97 + ((i * 7 + j) % 26))}x`,
      );
      miner.add(`${'event'.repeat(1 + (i % 5))}${i.toString(36).replace(/\d/g, 'q')} ${words.join(' ')}`);
    }
    const bytes = JSON.stringify(miner.toState()).length;
    expect(miner.size).toBeLessThanOrEqual(2_000);
    expect(bytes).toBeLessThan(350_000);
  });

  it('bounds very long lines to a fixed number of tokens', () => {
    const miner = new TemplateMiner({ maxTokens: 8 });
    const a = miner.add(`dump ${'word '.repeat(100)}`);
    expect(a.template.split(' ')).toHaveLength(8);
    expect(a.template.endsWith('<*>')).toBe(true);
  });

  it('rejects a state it did not write', () => {
    expect(() => TemplateMiner.fromState({ v: 2 })).toThrow(InvalidMinerStateError);
    expect(() =>
      TemplateMiner.fromState({ v: 1, nextId: 2, seq: 1, clusters: [[5, 'x', 1, 1]], aliases: [] }),
    ).toThrow(InvalidMinerStateError);
    try {
      TemplateMiner.fromState('nope');
    } catch (error) {
      expect((error as Error).name).toBe('InvalidMinerStateError');
    }
  });
});

describe('mergeTokens', () => {
  it.each([
    ['user=root', 'user=admin', 'user=<*>'],
    ['(alpha)', '(beta)', '(<*>)'],
    ["'/dev/a'", "'/dev/bb'", "'/dev/<*>'"],
    ['startup', 'shutdown', '<*>'],
    ['<*>:x', '<*>:y', '<*>'],
  ])('merges %s and %s into %s', (a, b, expected) => {
    expect(mergeTokens(a, b)).toBe(expected);
  });
});

describe('list collapsing', () => {
  it('treats a long run of values as one list whatever its length', () => {
    const miner = new TemplateMiner();
    const a = miner.add('PCI link (IRQs 3 4 5 6 7 9 10 11) disabled');
    const b = miner.add('PCI link (IRQs 3 4 5 6 7 9 10 11 12 14 15) disabled');
    expect(b.clusterId).toBe(a.clusterId);
    expect(b.template).toBe('PCI link (IRQs <*> <*>) disabled');
  });

  it('keeps short runs of values as they are', () => {
    const miner = new TemplateMiner();
    expect(miner.add('onExtend:1514038530000 14 0 4').template).toBe('onExtend:<*> <*> <*> <*>');
  });
});
