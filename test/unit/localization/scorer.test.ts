import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnomalyScorer,
  InvalidScorerStateError,
  isErrorLevel,
  type ScorerOptions,
} from '../../../lib/localization/index.js';
import { TemplateMiner } from '../../../lib/templates/index.js';
import { seededRandom } from '../../../lib/testing/rng.js';

const WINDOW = 60_000;
const T0 = 1_700_000_000_000;

const prng = seededRandom;

const NORMAL = [
  (r: () => number) => `GET /api/items/${Math.floor(r() * 1e6)} 200 in ${Math.floor(r() * 90)} ms`,
  (r: () => number) => `cache hit ratio ${(r() * 100).toFixed(1)} for shard ${Math.floor(r() * 16)}`,
  (r: () => number) => `retrying request ${Math.floor(r() * 1e6)} after timeout`,
  (r: () => number) => `heartbeat from peer 10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
];
const RATES = [20, 8, 1, 4];

type FaultKind = 'new-error' | 'spike' | 'error-burst';
const FAULTS: Record<FaultKind, (r: () => number) => string[]> = {
  'new-error': (r) =>
    Array.from(
      { length: 6 + Math.floor(r() * 10) },
      () => `disk /dev/nvme${Math.floor(r() * 4)}n1 I/O error, sector ${Math.floor(r() * 1e9)}`,
    ),
  spike: (r) =>
    Array.from({ length: 60 + Math.floor(r() * 40) }, () => (NORMAL[3] as (r: () => number) => string)(r)),
  'error-burst': (r) =>
    Array.from({ length: 25 + Math.floor(r() * 20) }, () => (NORMAL[2] as (r: () => number) => string)(r)),
};

interface Fleet {
  seed: number;
  nodes: number;
  faulty: number;
  kind: FaultKind;
}

/** Runs a fleet through the miner and scorer: `warm` normal windows, then one window with the fault injected. */
function simulate(fleet: Fleet, options: Partial<ScorerOptions> = {}, inject = true) {
  const r = prng(fleet.seed);
  const miner = new TemplateMiner();
  const scorer = new AnomalyScorer({ windowMs: WINDOW, ...options });
  const emit = (node: number, window: number, message: string) => {
    const a = miner.add(message);
    const timestamp = T0 + window * WINDOW + Math.floor(r() * WINDOW);
    scorer.observe({
      source: `node-${node}`,
      timestamp,
      template: a.template,
      templateId: a.clusterId,
      message,
    });
  };
  const windows = 15;
  for (let w = 0; w <= windows; w++) {
    for (let n = 0; n < fleet.nodes; n++) {
      NORMAL.forEach((make, i) => {
        const count = Math.round((RATES[i] as number) * (0.6 + r() * 0.8));
        for (let k = 0; k < count; k++) emit(n, w, make(r));
      });
      if (w === windows && inject && n === fleet.faulty) for (const m of FAULTS[fleet.kind](r)) emit(n, w, m);
    }
  }
  return scorer;
}

const fleetArb = fc
  .record({
    seed: fc.nat(),
    nodes: fc.integer({ min: 4, max: 16 }),
    faulty: fc.nat(),
    kind: fc.constantFrom<FaultKind>('new-error', 'spike', 'error-burst'),
  })
  .map((f) => ({ ...f, faulty: f.faulty % f.nodes }));

describe('AnomalyScorer', () => {
  it('ranks the injected faulty source first on a synthetic fleet', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const [top] = simulate(fleet).suspects();
        expect(top?.source).toBe(`node-${fleet.faulty}`);
      }),
      { seed: 424_242, numRuns: 40 },
    );
  });

  it('the ranking check fails for a scorer without a baseline (negative control)', () => {
    const noBaseline = fc.property(fleetArb, (fleet) => {
      // A baseline that learns nothing: every template is "new" on every node, so the fault drowns.
      const [top] = simulate(fleet, { baselineWeight: 0 }).suspects();
      return top?.source === `node-${fleet.faulty}`;
    });
    expect(fc.check(noBaseline, { seed: 424_242, numRuns: 40 }).failed).toBe(true);
  });

  it('reports evidence: the new error template, its count and sample lines', () => {
    const fleet: Fleet = { seed: 9, nodes: 6, faulty: 2, kind: 'new-error' };
    const [top] = simulate(fleet).suspects();
    const evidence = top?.evidence.templates[0];
    expect(evidence?.template).toMatch(/^disk .* I\/O error, sector <\*>$/);
    expect(evidence?.reason).toBe('new');
    expect(evidence?.baselineCount).toBeUndefined();
    expect(top?.evidence.samples[0]).toMatch(/^disk \/dev\/nvme/);
  });

  it('reports a spike with its usual count', () => {
    const [top] = simulate({ seed: 3, nodes: 5, faulty: 4, kind: 'spike' }).suspects();
    expect(top?.evidence.templates[0]).toMatchObject({
      reason: 'spike',
      template: 'heartbeat from peer <*>',
    });
    expect(top?.evidence.templates[0]?.baselineCount).toBeGreaterThan(0);
  });

  it('finds nothing alarming in a healthy fleet', () => {
    const scorer = simulate({ seed: 5, nodes: 8, faulty: 0, kind: 'spike' }, {}, false);
    for (const s of scorer.suspects()) expect(s.score).toBeLessThan(8);
  });

  it('resumes from its JSON state exactly as if it had not stopped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3), fc.nat(5), fc.nat(5 * WINDOW)), { maxLength: 200 }),
        fc.nat(),
        (obs, cut) => {
          const events = obs.map(([s, t, dt]) => ({
            source: `s${s}`,
            timestamp: T0 + dt,
            template: `t${t}`,
            message: `m${t}`,
          }));
          const at = cut % (events.length + 1);
          const straight = new AnomalyScorer({ warmupWindows: 1 });
          for (const e of events) straight.observe(e);
          const first = new AnomalyScorer({ warmupWindows: 1 });
          for (const e of events.slice(0, at)) first.observe(e);
          const resumed = AnomalyScorer.fromState(JSON.parse(JSON.stringify(first.toState())), {
            warmupWindows: 1,
          });
          for (const e of events.slice(at)) resumed.observe(e);
          expect(resumed.toState()).toEqual(straight.toState());
          expect(resumed.suspects()).toEqual(straight.suspects());
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it('keeps its state within one DynamoDB item under a flood of sources and templates', () => {
    const scorer = new AnomalyScorer();
    for (let w = 0; w < 4; w++) {
      for (let i = 0; i < 30_000; i++) {
        scorer.observe({
          source: `i-${(i % 500).toString(16).padStart(17, '0')}`,
          timestamp: T0 + w * WINDOW,
          template: `template ${i} ${'x'.repeat(i % 80)}`,
          message: `a fairly long raw message number ${i} ${'y'.repeat(200)}`,
        });
      }
    }
    expect(JSON.stringify(scorer.toState()).length).toBeLessThan(350_000);
    expect(scorer.suspects().length).toBeGreaterThan(0);
  });

  it('ignores events older than the previous window and counts them as late', () => {
    const scorer = new AnomalyScorer();
    scorer.observe({ source: 'a', timestamp: T0 + 10 * WINDOW, template: 'x' });
    scorer.observe({ source: 'a', timestamp: T0 + 9 * WINDOW, template: 'x' }); // previous window: still counted
    scorer.observe({ source: 'a', timestamp: T0 + 2 * WINDOW, template: 'x' });
    expect(scorer.late).toBe(1);
    expect(scorer.toState().current[0]?.[3]).toBe(2);
  });

  it('rejects a state it did not write', () => {
    expect(() => AnomalyScorer.fromState({ v: 9 })).toThrow(InvalidScorerStateError);
  });
});

describe('isErrorLevel', () => {
  it.each([
    ['Connection refused by <*>', undefined, true],
    ['disk <*> I/O error', undefined, true],
    ['java.lang.NullPointerException at <*>', undefined, true],
    ['request served in <*> ms', undefined, false],
    ['anything', 'ERROR', true],
    ['Connection refused', 'INFO', false],
    ['x', 'E', true],
  ])('%s (level %s) → %s', (template, level, expected) => {
    expect(isErrorLevel(template, level)).toBe(expected);
  });
});
