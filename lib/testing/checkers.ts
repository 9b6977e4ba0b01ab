import type { LeaseEvent, LogEntry } from './history.js';

/** A checker's verdict: empty `violations` means the property held. */
export interface CheckResult {
  readonly violations: readonly string[];
}

/**
 * What a fenced resource accepted: it never accepts a token lower than one it accepted, and no two holders'
 * writes interleave (once token t' > t has written, t never writes again).
 *
 * @example
 * checkFencedLog('r1', [{ token: 1, client: 'a', seq: 0 }, { token: 2, client: 'b', seq: 0 }]).violations; // []
 */
export function checkFencedLog(resource: string, log: readonly LogEntry[]): CheckResult {
  const violations: string[] = [];
  const finished = new Set<number>();
  let highest = Number.NEGATIVE_INFINITY;
  let previous: LogEntry | undefined;
  for (const [i, entry] of log.entries()) {
    if (entry.token < highest) {
      violations.push(`${resource}[${i}]: accepted token ${entry.token} after token ${highest}`);
    }
    if (previous && previous.token !== entry.token) finished.add(previous.token);
    if (finished.has(entry.token)) {
      violations.push(
        `${resource}[${i}]: token ${entry.token} (${entry.client}) wrote again after another holder`,
      );
    }
    highest = Math.max(highest, entry.token);
    previous = entry;
  }
  return { violations };
}

/**
 * Mutual exclusion as the holders experienced it: per resource, the span from a holder's acquisition to its last
 * passing `assertValid` must not overlap another holder's span, in true time. Catches a protocol that lets a
 * contender take over while the holder still (rightly, by its own clock) believes it holds the lease.
 */
export function checkExclusion(events: readonly LeaseEvent[]): CheckResult {
  const spans = new Map<
    string,
    { resource: string; token: number; client: string; from: number; to: number }
  >();
  for (const e of events) {
    if (e.type !== 'acquired' && e.type !== 'valid') continue;
    const id = `${e.resource}\u0000${e.token}`;
    const span = spans.get(id);
    if (e.type === 'acquired')
      spans.set(id, { resource: e.resource, token: e.token, client: e.client, from: e.at, to: e.at });
    else if (span) span.to = Math.max(span.to, e.at);
  }
  const byResource = new Map<string, { token: number; client: string; from: number; to: number }[]>();
  for (const span of spans.values()) {
    const list = byResource.get(span.resource) ?? [];
    list.push(span);
    byResource.set(span.resource, list);
  }
  const violations: string[] = [];
  for (const [resource, list] of byResource) {
    list.sort((a, b) => a.from - b.from);
    let latest: (typeof list)[number] | undefined;
    for (const span of list) {
      if (latest && span.from < latest.to) {
        violations.push(
          `${resource}: token ${span.token} (${span.client}) acquired at ${span.from.toFixed(1)} while token ${latest.token} (${latest.client}) still held it until ${latest.to.toFixed(1)}`,
        );
      }
      if (!latest || span.to > latest.to) latest = span;
    }
  }
  return { violations };
}

/**
 * Liveness after a crash: the next acquisition of a crashed holder's resource happens within `boundMs` of the
 * crash (or of when its taker started watching, if that was later).
 */
export function checkTakeoverBound(
  events: readonly LeaseEvent[],
  boundMs: number,
): CheckResult & { delaysMs: number[] } {
  const violations: string[] = [];
  const delaysMs: number[] = [];
  for (const [i, crash] of events.entries()) {
    if (crash.type !== 'crashed') continue;
    const next = events
      .slice(i + 1)
      .find((e) => e.type === 'acquired' && e.resource === crash.resource && e.token > crash.token);
    if (next?.type !== 'acquired') continue; // nobody wanted it again before the run ended
    const from = Math.max(crash.at, next.watchStartedAt ?? crash.at);
    const delay = next.at - from;
    delaysMs.push(delay);
    if (delay > boundMs) {
      violations.push(
        `${crash.resource}: crashed token ${crash.token} taken over after ${delay.toFixed(0)} ms > ${boundMs} ms`,
      );
    }
  }
  return { violations, delaysMs };
}

/** Everything a lease run must satisfy, per resource log and across the history. */
export function checkLeaseRun(
  events: readonly LeaseEvent[],
  logs: ReadonlyMap<string, readonly LogEntry[]>,
): CheckResult {
  const violations = [...checkExclusion(events).violations];
  for (const [resource, log] of logs) violations.push(...checkFencedLog(resource, log).violations);
  return { violations };
}

/** One reader's view of an incident's decision: a `decide` result, or a decision record read back. */
export interface DecisionObservation {
  readonly incidentId: string;
  readonly reader: string;
  /** The decided value, encoded as the ballots encode it. */
  readonly value: string;
}

/**
 * Ballot safety: at most one plan per incident across all readers, and that plan was proposed by someone.
 *
 * @example
 * checkDecisions(new Map([['i1', ['A', 'B']]]), [{ incidentId: 'i1', reader: 'p1', value: 'A' }]).violations; // []
 */
export function checkDecisions(
  proposals: ReadonlyMap<string, readonly string[]>,
  observations: readonly DecisionObservation[],
): CheckResult {
  const violations: string[] = [];
  const seen = new Map<string, DecisionObservation>();
  for (const o of observations) {
    if (!(proposals.get(o.incidentId) ?? []).includes(o.value)) {
      violations.push(`${o.incidentId}: ${o.reader} saw ${o.value}, which nobody proposed`);
    }
    const first = seen.get(o.incidentId);
    if (!first) seen.set(o.incidentId, o);
    else if (first.value !== o.value) {
      violations.push(`${o.incidentId}: ${first.reader} saw ${first.value} but ${o.reader} saw ${o.value}`);
    }
  }
  return { violations };
}

/**
 * Semaphore safety: at no instant (true time) do more than `capacity` holders of one pool believe they hold a
 * slot. Resources are named `<pool>/<slot>` in the history; spans run from acquisition to the last passing
 * `assertValid`, as in `checkExclusion`.
 */
export function checkCapacity(events: readonly LeaseEvent[], capacity: number): CheckResult {
  const spans = new Map<string, { pool: string; from: number; to: number }>();
  for (const e of events) {
    if (e.type !== 'acquired' && e.type !== 'valid') continue;
    const id = `${e.resource}\u0000${e.token}`;
    const pool = e.resource.slice(0, e.resource.lastIndexOf('/'));
    const span = spans.get(id);
    if (e.type === 'acquired') spans.set(id, { pool, from: e.at, to: e.at });
    else if (span) span.to = Math.max(span.to, e.at);
  }
  const edges = new Map<string, { at: number; delta: number }[]>();
  for (const s of spans.values()) {
    const list = edges.get(s.pool) ?? [];
    // An end sorts before a start at the same instant: touching spans do not overlap.
    list.push({ at: s.from, delta: 1 }, { at: s.to, delta: -1 });
    edges.set(s.pool, list);
  }
  const violations: string[] = [];
  for (const [pool, list] of edges) {
    list.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let holders = 0;
    for (const edge of list) {
      holders += edge.delta;
      if (holders > capacity) {
        violations.push(`${pool}: ${holders} holders at ${edge.at.toFixed(1)} > capacity ${capacity}`);
        break;
      }
    }
  }
  return { violations };
}
