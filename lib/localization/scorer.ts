import { InvalidScorerStateError } from './errors.js';
import { type ScorerState, scorerStateSchema } from './scorer-state.js';

/** One mined log line, as the scorer sees it. Time comes in as data: the scorer reads no clock. */
export interface Observation {
  /** Where the line came from: a log stream, node or component, as the caller chooses. */
  readonly source: string;
  /** Event time, epoch milliseconds. */
  readonly timestamp: number;
  /** The line's template (from the miner). */
  readonly template: string;
  /**
   * The template's stable id (the miner's cluster id), when known. Counting by id keeps a template's history
   * when its text generalizes (`user root` → `user <*>`); the latest text is what evidence shows.
   */
  readonly templateId?: number | string;
  /** The raw line, kept as a sample when its template becomes evidence. */
  readonly message?: string;
  /** The line's level when the format has one (`ERROR`, `WARN`…); otherwise the template's words decide. */
  readonly level?: string;
}

export type SuspectReason = 'new' | 'error' | 'spike';

export interface TemplateEvidence {
  readonly template: string;
  /** Lines of this template from this source in the current window. */
  readonly count: number;
  /** Usual lines per window for this source and template (moving average), absent when never seen. */
  readonly baselineCount?: number;
  readonly reason: SuspectReason;
}

export interface Suspect {
  readonly source: string;
  readonly score: number;
  readonly evidence: { readonly templates: TemplateEvidence[]; readonly samples: string[] };
}

export interface ScorerOptions {
  /** Width of a counting window. @default 60_000 */
  readonly windowMs: number;
  /** Weight of a closed window in the moving-average baseline. @default 0.1 (about the last 10–20 windows) */
  readonly baselineWeight: number;
  /** Closed windows needed before `new` and `spike` mean anything. @default 3 */
  readonly warmupWindows: number;
  /** Most (source, template) pairs kept in the baseline; the rarest go first. @default 5_000 */
  readonly maxKeys: number;
  /** Upper bound on the JSON size of the state, for one DynamoDB item. @default 300_000 */
  readonly maxStateBytes: number;
  /** Sample lines kept per (source, template) in the current window. @default 2 */
  readonly samplesPerKey: number;
  /** Sample lines are cut to this many characters. @default 300 */
  readonly maxSampleChars: number;
}

export const DEFAULT_SCORER_OPTIONS: ScorerOptions = Object.freeze({
  windowMs: 60_000,
  baselineWeight: 0.1,
  warmupWindows: 3,
  maxKeys: 5_000,
  maxStateBytes: 300_000,
  samplesPerKey: 2,
  maxSampleChars: 300,
});

const ERROR_LEVELS = new Set([
  'E',
  'ERR',
  'ERROR',
  'F',
  'FATAL',
  'CRIT',
  'CRITICAL',
  'SEVERE',
  'ALERT',
  'EMERG',
  'PANIC',
]);
const ERROR_WORDS =
  /\b(?:\w*(?:Exception|Error)|errors?|fatal|fail(?:ed|ure|ures|s)?|exceptions?|panic|critical|severe|refused|denied|timed out|timeout|unreachable|abort(?:ed)?|killed|segfault|corrupt(?:ed)?|out of memory|oom)\b/i;

/**
 * Whether a line is error-level: by its level field when the format has one, else by the words of its template.
 *
 * @example
 * ```ts
 * isErrorLevel('Connection refused by <*>'); // true
 * isErrorLevel('served block <*>', 'INFO');  // false
 * ```
 */
export function isErrorLevel(template: string, level?: string): boolean {
  if (level !== undefined && level !== '') return ERROR_LEVELS.has(level.toUpperCase());
  return ERROR_WORDS.test(template);
}

interface WindowEntry {
  readonly source: string;
  /** Template id or text: what the entry is counted under. */
  readonly key: string;
  template: string;
  count: number;
  error: boolean;
  readonly samples: string[];
}

interface BaselineEntry {
  readonly source: string;
  readonly key: string;
  template: string;
  mean: number;
}

const SEP = '\u0000';
/** Where a source's lines go once the current window has no room for more distinct templates. */
export const OVERFLOW_TEMPLATE = '(other templates)';

/** Approximate JSON size of one state entry; JSON escapes make it an underestimate, hence the halved budgets. */
function entryBytes(source: string, template: string): number {
  return source.length + 2 * template.length + 40;
}

/**
 * Counts lines per source and template in fixed time windows and scores the current window against a moving
 * average of the closed ones: templates never seen before, error-level templates above their usual rate, and
 * frequency spikes raise a source's score. {@link suspects} ranks the sources with evidence.
 *
 * Deterministic and bounded; the state is a JSON value for one DynamoDB item ({@link toState}/{@link fromState}).
 * Events older than the previous window cannot be judged against the baseline they belong to; they are counted
 * in `late` and otherwise ignored.
 *
 * @example
 * ```ts
 * const scorer = new AnomalyScorer();
 * scorer.observe({ source: 'i-0abc', timestamp: e.timestamp, template: miner.add(e.message).template });
 * const [top] = scorer.suspects();
 * ```
 */
export class AnomalyScorer {
  readonly options: ScorerOptions;
  private windowStart: number | undefined;
  private windowsClosed = 0;
  private lateEvents = 0;
  private readonly current = new Map<string, WindowEntry>();
  private readonly baseline = new Map<string, BaselineEntry>();
  /** Template key → number of sources with it in the baseline: "new to the fleet" vs "new to this source". */
  private readonly fleet = new Map<string, number>();
  /** Approximate JSON size of `current`, kept within half of `maxStateBytes` (the baseline gets the rest). */
  private currentBytes = 0;

  constructor(options: Partial<ScorerOptions> = {}) {
    this.options = { ...DEFAULT_SCORER_OPTIONS, ...options };
    if (!(this.options.windowMs > 0))
      throw new RangeError(`windowMs must be positive, got ${this.options.windowMs}`);
  }

  /** Events dropped because they were older than the previous window. */
  get late(): number {
    return this.lateEvents;
  }

  /**
   * Counts one mined line. A line from a later window first closes the current one into the baseline.
   *
   * @example
   * ```ts
   * scorer.observe({ source: 'node-7', timestamp: 1_700_000_000_000, template: 'disk <*> failed', message });
   * ```
   */
  observe(obs: Observation): void {
    const w = this.align(obs.timestamp);
    if (this.windowStart === undefined) this.windowStart = w;
    else if (w > this.windowStart) this.advanceTo(w);
    else if (w < this.windowStart - this.options.windowMs) {
      this.lateEvents++;
      return;
    }
    let k = obs.templateId === undefined ? obs.template : `#${obs.templateId}`;
    let template = obs.template;
    let key = obs.source + SEP + k;
    if (
      !this.current.has(key) &&
      this.currentBytes + entryBytes(obs.source, template) > this.windowBudget()
    ) {
      // A flood of distinct templates in one window: count the rest together rather than grow without bound.
      template = OVERFLOW_TEMPLATE;
      k = OVERFLOW_TEMPLATE;
      key = obs.source + SEP + k;
    }
    let entry = this.current.get(key);
    if (entry === undefined) {
      this.currentBytes += entryBytes(obs.source, template);
      entry = {
        source: obs.source,
        key: k,
        template,
        count: 0,
        error: isErrorLevel(obs.template, obs.level),
        samples: [],
      };
      this.current.set(key, entry);
    }
    entry.count++;
    if (k !== OVERFLOW_TEMPLATE) entry.template = obs.template;
    if (obs.level !== undefined && isErrorLevel(obs.template, obs.level)) entry.error = true;
    if (obs.message !== undefined && entry.samples.length < this.options.samplesPerKey) {
      const sample = obs.message.slice(0, this.options.maxSampleChars);
      if (this.currentBytes + sample.length + 4 <= this.windowBudget()) {
        entry.samples.push(sample);
        this.currentBytes += sample.length + 4;
      }
    }
  }

  /**
   * Closes windows up to the one holding `timestamp` (a quiet period is data too), without counting a line.
   *
   * @example
   * ```ts
   * scorer.advance(Date.now()); // the caller's clock, passed in
   * ```
   */
  advance(timestamp: number): void {
    const w = this.align(timestamp);
    if (this.windowStart === undefined) this.windowStart = w;
    else if (w > this.windowStart) this.advanceTo(w);
  }

  /**
   * Sources ranked by anomaly score in the current window (highest first, ties by name), with evidence: their
   * top templates (count, usual count, reason) and sample lines. Sources with nothing unusual are left out.
   *
   * @example
   * ```ts
   * const [top] = scorer.suspects({ limit: 5 });
   * top?.evidence.templates[0]; // { template: 'disk <*> failed', count: 40, reason: 'new' }
   * ```
   */
  suspects(
    options: { limit?: number; templatesPerSuspect?: number; samplesPerSuspect?: number } = {},
  ): Suspect[] {
    const { limit = 10, templatesPerSuspect = 5, samplesPerSuspect = 3 } = options;
    const warm = this.windowsClosed >= this.options.warmupWindows;
    const bySource = new Map<
      string,
      { score: number; items: { e: TemplateEvidence; w: number; samples: string[] }[] }
    >();
    for (const [key, entry] of this.current) {
      const base = this.baseline.get(key);
      const mean = base?.mean ?? 0;
      const excess = Math.max(0, entry.count - mean);
      const parts: [SuspectReason, number][] = [];
      if (warm && base === undefined) {
        // New to the whole fleet weighs more than new to one source (a node that just took over a role).
        parts.push(['new', (this.fleet.has(entry.key) ? 1 : 3) * Math.log2(1 + entry.count)]);
      }
      if (entry.error && excess > 0) parts.push(['error', 2 * Math.log2(1 + excess)]);
      if (warm && base !== undefined) {
        const ratio = (entry.count + 1) / (mean + 1);
        if (ratio >= 3 && excess >= 5) parts.push(['spike', Math.log2(ratio) * Math.log2(1 + excess) * 0.5]);
      }
      if (parts.length === 0) continue;
      let weight = 0;
      let reason = parts[0] as [SuspectReason, number];
      for (const part of parts) {
        weight += part[1];
        if (part[1] > reason[1]) reason = part;
      }
      const evidence: TemplateEvidence =
        base === undefined
          ? { template: entry.template, count: entry.count, reason: reason[0] }
          : { template: entry.template, count: entry.count, baselineCount: round(mean), reason: reason[0] };
      const suspect = bySource.get(entry.source) ?? { score: 0, items: [] };
      suspect.score += weight;
      suspect.items.push({ e: evidence, w: weight, samples: entry.samples });
      bySource.set(entry.source, suspect);
    }
    const ranked = [...bySource].map(([source, { score, items }]): Suspect => {
      items.sort((a, b) => b.w - a.w || compare(a.e.template, b.e.template));
      const top = items.slice(0, templatesPerSuspect);
      const samples = top.flatMap((i) => i.samples).slice(0, samplesPerSuspect);
      return { source, score: round(score), evidence: { templates: top.map((i) => i.e), samples } };
    });
    ranked.sort((a, b) => b.score - a.score || compare(a.source, b.source));
    return ranked.slice(0, limit);
  }

  /**
   * The scorer's state as a compact JSON value (within `maxStateBytes`).
   *
   * @example
   * ```ts
   * await store.put(JSON.stringify(scorer.toState()));
   * ```
   */
  toState(): ScorerState {
    return {
      v: 1,
      windowMs: this.options.windowMs,
      windowStart: this.windowStart ?? null,
      windowsClosed: this.windowsClosed,
      late: this.lateEvents,
      current: [...this.current.values()].map((e) => [
        e.source,
        e.key,
        e.template,
        e.count,
        e.error,
        e.samples,
      ]),
      baseline: [...this.baseline.values()].map((b) => [b.source, b.key, b.template, b.mean]),
    };
  }

  /**
   * Restores a scorer; it continues exactly as the original would have.
   *
   * @throws InvalidScorerStateError when the value is not a state this version wrote.
   * @example
   * ```ts
   * const scorer = AnomalyScorer.fromState(JSON.parse(item.state));
   * ```
   */
  static fromState(state: unknown, options: Partial<Omit<ScorerOptions, 'windowMs'>> = {}): AnomalyScorer {
    const parsed = scorerStateSchema.safeParse(state);
    if (!parsed.success) throw new InvalidScorerStateError(`invalid scorer state: ${parsed.error.message}`);
    const s = parsed.data;
    const scorer = new AnomalyScorer({ ...options, windowMs: s.windowMs });
    scorer.windowStart = s.windowStart ?? undefined;
    scorer.windowsClosed = s.windowsClosed;
    scorer.lateEvents = s.late;
    for (const [source, key, template, count, error, samples] of s.current) {
      scorer.current.set(source + SEP + key, { source, key, template, count, error, samples: [...samples] });
      scorer.currentBytes += entryBytes(source, template) + samples.reduce((n, x) => n + x.length + 4, 0);
    }
    for (const [source, key, template, mean] of s.baseline)
      scorer.addBaseline({ source, key, template, mean });
    return scorer;
  }

  private windowBudget(): number {
    return this.options.maxStateBytes / 2;
  }

  private align(timestamp: number): number {
    return Math.floor(timestamp / this.options.windowMs) * this.options.windowMs;
  }

  /** Folds the current window into the baseline, then decays it over any empty windows up to `w`. */
  private advanceTo(w: number): void {
    const start = this.windowStart as number;
    const elapsed = Math.round((w - start) / this.options.windowMs);
    const keep = 1 - this.options.baselineWeight;
    for (const [key, b] of this.baseline) {
      const e = this.current.get(key);
      b.mean = b.mean * keep + this.options.baselineWeight * (e?.count ?? 0);
      if (e !== undefined) b.template = e.template;
    }
    for (const [key, e] of this.current) {
      if (!this.baseline.has(key)) {
        const mean = this.options.baselineWeight * e.count;
        this.addBaseline({ source: e.source, key: e.key, template: e.template, mean });
      }
    }
    if (elapsed > 1) {
      const decay = keep ** Math.min(elapsed - 1, 10_000);
      for (const b of this.baseline.values()) b.mean *= decay;
    }
    this.current.clear();
    this.currentBytes = 0;
    this.windowStart = w;
    this.windowsClosed += elapsed;
    this.bound();
  }

  private addBaseline(b: BaselineEntry): void {
    this.baseline.set(b.source + SEP + b.key, b);
    this.fleet.set(b.key, (this.fleet.get(b.key) ?? 0) + 1);
  }

  private dropBaseline(key: string, b: BaselineEntry): void {
    this.baseline.delete(key);
    const n = (this.fleet.get(b.key) ?? 1) - 1;
    if (n <= 0) this.fleet.delete(b.key);
    else this.fleet.set(b.key, n);
  }

  /** Forgets what has decayed to nothing, then the rarest pairs, until within `maxKeys` and `maxStateBytes`. */
  private bound(): void {
    for (const [key, b] of this.baseline) if (b.mean < 1e-3) this.dropBaseline(key, b);
    // The baseline gets the half of the budget the current window does not use.
    const budget = this.options.maxStateBytes / 2;
    let bytes = 200;
    for (const b of this.baseline.values()) bytes += entryBytes(b.source, b.template);
    if (this.baseline.size <= this.options.maxKeys && bytes <= budget) return;
    const rarest = [...this.baseline].sort(([ka, a], [kb, b]) => a.mean - b.mean || compare(ka, kb));
    for (const [key, b] of rarest) {
      if (this.baseline.size <= this.options.maxKeys && bytes <= budget) break;
      this.dropBaseline(key, b);
      bytes -= entryBytes(b.source, b.template);
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
