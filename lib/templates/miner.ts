import { InvalidMinerStateError } from './errors.js';
import { tokenize, WILDCARD } from './mask.js';
import { type MinerState, minerStateSchema } from './miner-state.js';

/**
 * Bounds of the miner. They bound memory and state size only; how lines are grouped is the same for every
 * source (issue 5: one default configuration, users cannot tune it per log group).
 */
export interface MinerLimits {
  /** Most templates kept; the least recently seen one is forgotten first. */
  readonly maxClusters: number;
  /** Upper bound on the JSON size of {@link TemplateMiner.toState}, so the state fits one DynamoDB item. */
  readonly maxStateBytes: number;
  /** Tokens beyond this many are folded into one trailing wildcard, which bounds the size of a template. */
  readonly maxTokens: number;
}

/** The defaults: 300 KB of state leaves room for keys and attributes within DynamoDB's 400 KB item limit. */
export const DEFAULT_MINER_LIMITS: MinerLimits = Object.freeze({
  maxClusters: 2_000,
  maxStateBytes: 300_000,
  maxTokens: 80,
});

/**
 * A position becomes `<*>` once this many templates differ only there. Two variants are usually two events
 * (`startup`/`shutdown`, `Accepted`/`Failed`, `Begin`/`End`); values (user names, hosts, states) soon show three.
 */
export const VARIANTS_TO_GENERALIZE = 3;

/** What the miner learned about one line. */
export interface Assignment {
  /** Id of the template (cluster) the line belongs to. Ids are never reused; merged ids resolve via `resolve`. */
  readonly clusterId: number;
  /** The template as it stands after this line, with `<*>` for variable parts. */
  readonly template: string;
  /** True when no template matched the line: it started one (which may at once have merged into an older one). */
  readonly isNew: boolean;
}

/** A template and how many lines it has absorbed. */
export interface TemplateSummary {
  readonly clusterId: number;
  readonly template: string;
  readonly count: number;
}

interface Cluster {
  readonly id: number;
  tokens: string[];
  count: number;
  lastSeen: number;
  /** `tokens.join(' ')`: the template text and the key of the exact-match index. */
  text: string;
  /** Whether the template has enough fixed words to take lines that differ from it (see `informative`). */
  informative: boolean;
}

/** Characters after which the rest of a token is treated as a value when variants disagree (`user=<*>`). */
const VALUE_OPENERS = new Set(['=', ':', '(', '[', '{', "'", '"', '@', '#', '/']);
/** Characters before which the start of a token is treated as a value (`<*>)`, `<*>,`). */
const VALUE_CLOSERS = new Set([')', ']', '}', "'", '"', ',', ';', ':', '.']);

/**
 * Online, streaming, deterministic log template miner with bounded memory.
 *
 * Each message is masked (numbers, hex, addresses, ids, paths, timestamps, URLs → `<*>`) and split on
 * whitespace. A line joins the template of the same token count that it matches token for token (`<*>` matches
 * any token, `user=<*>` any `user=…`); the most specific one wins, then the oldest. A line matching none starts
 * a template; when {@link VARIANTS_TO_GENERALIZE} templates then differ in exactly one position, they merge into
 * one with `<*>` there (the older id survives, the others resolve to it). A new template with a masked `<*>`
 * where older ones hold a word takes them in. Two guards keep unrelated events apart: the first token is never
 * generalized by merging (it usually names the event), and a template needs two fixed words to take lines that
 * differ from it.
 *
 * State is a compact JSON value ({@link TemplateMiner.toState}); a miner restored from it assigns the following
 * lines exactly as the original would have, because everything else is derived from the templates.
 *
 * @example
 * ```ts
 * const miner = new TemplateMiner();
 * miner.add('Connection from 10.0.0.1 closed');
 * miner.add('Connection from 10.0.0.7 closed').template; // 'Connection from <*> closed'
 * const resumed = TemplateMiner.fromState(JSON.parse(JSON.stringify(miner.toState())));
 * ```
 */
export class TemplateMiner {
  readonly limits: MinerLimits;
  private readonly clusters = new Map<number, Cluster>();
  /** Templates by token count, each bucket in id order so that scans are deterministic. */
  private readonly byLength = new Map<number, Cluster[]>();
  /**
   * Lookup index for `find`: informative templates by token count and first token (position 0 is never
   * generalized by merging, so it splits the search like the first level of a prefix tree), plus, per token
   * count, those whose first token is itself variable. Each list is in id order.
   */
  private readonly byHead = new Map<string, Cluster[]>();
  /** Template text → lowest id with exactly that template: most lines equal a template once masked. */
  private readonly exact = new Map<string, number>();
  /** Merged id → surviving id, oldest first; bounded like the templates. */
  private readonly aliases = new Map<number, number>();
  private nextId = 1;
  private seq = 0;
  private totalBytes = 0;

  constructor(limits: Partial<MinerLimits> = {}) {
    this.limits = { ...DEFAULT_MINER_LIMITS, ...limits };
  }

  /** Number of templates currently held. */
  get size(): number {
    return this.clusters.size;
  }

  /**
   * Assigns one message (the content part of a log line) to a template, learning from it.
   *
   * @example
   * ```ts
   * new TemplateMiner().add('session opened for user root').template; // 'session opened for user root'
   * ```
   */
  add(message: string): Assignment {
    const tokens = this.tokens(message);
    const seq = ++this.seq;
    let cluster = this.find(tokens);
    const isNew = cluster === undefined;
    if (cluster === undefined) {
      cluster = this.insert({ id: this.nextId++, tokens, count: 0, lastSeen: seq });
      cluster = this.generalizeFamilies(this.absorbSubsumed(cluster));
    }
    cluster.count += 1;
    cluster.lastSeen = seq;
    if (isNew) this.evict(cluster);
    return { clusterId: cluster.id, template: cluster.text, isNew };
  }

  /**
   * Finds the template a message matches, without learning from it.
   *
   * @example
   * ```ts
   * miner.match('Connection from 10.0.0.9 closed')?.template; // 'Connection from <*> closed'
   * ```
   */
  match(message: string): TemplateSummary | undefined {
    const cluster = this.find(this.tokens(message));
    return cluster === undefined ? undefined : summary(cluster);
  }

  /** The id a (possibly merged) cluster id lives on as, or undefined once forgotten. */
  resolve(clusterId: number): number | undefined {
    const id = this.aliases.get(clusterId) ?? clusterId;
    return this.clusters.has(id) ? id : undefined;
  }

  /** The current template of a cluster id (following merges), or undefined once forgotten. */
  template(clusterId: number): string | undefined {
    const id = this.resolve(clusterId);
    return id === undefined ? undefined : this.clusters.get(id)?.text;
  }

  /** All templates, most frequent first (ties by id). */
  templates(): TemplateSummary[] {
    return [...this.clusters.values()]
      .map(summary)
      .sort((a, b) => b.count - a.count || a.clusterId - b.clusterId);
  }

  /**
   * A compact JSON value of everything the miner learned, small enough for one DynamoDB item.
   *
   * @example
   * ```ts
   * await store.put(JSON.stringify(miner.toState()));
   * ```
   */
  toState(): MinerState {
    const clusters = [...this.clusters.values()]
      .sort((a, b) => a.id - b.id)
      .map((c): [number, string, number, number] => [c.id, c.text, c.count, c.lastSeen]);
    return { v: 1, nextId: this.nextId, seq: this.seq, clusters, aliases: [...this.aliases] };
  }

  /**
   * Restores a miner from {@link toState}; it continues exactly where the original stopped.
   *
   * @throws InvalidMinerStateError when the value is not a state this version wrote.
   * @example
   * ```ts
   * const miner = TemplateMiner.fromState(JSON.parse(item.state));
   * ```
   */
  static fromState(state: unknown, limits: Partial<MinerLimits> = {}): TemplateMiner {
    const parsed = minerStateSchema.safeParse(state);
    if (!parsed.success) throw new InvalidMinerStateError(`invalid miner state: ${parsed.error.message}`);
    const miner = new TemplateMiner(limits);
    const { nextId, seq, clusters, aliases } = parsed.data;
    for (const [id, text, count, lastSeen] of clusters) {
      if (id >= nextId || lastSeen > seq || miner.clusters.has(id)) {
        throw new InvalidMinerStateError(
          `invalid miner state: cluster ${id} is inconsistent with its counters`,
        );
      }
      miner.insert({ id, tokens: text === '' ? [] : text.split(' '), count, lastSeen });
    }
    for (const [from, to] of aliases) miner.aliases.set(from, to);
    miner.nextId = nextId;
    miner.seq = seq;
    return miner;
  }

  private tokens(message: string): string[] {
    const tokens = collapseLists(tokenize(message));
    const max = this.limits.maxTokens;
    if (tokens.length <= max) return tokens;
    // Very long lines are almost always dumps (stack, payload); their tail carries no event identity.
    tokens.length = max - 1;
    tokens.push(WILDCARD);
    return tokens;
  }

  /** The matching template: exact text first (the common case), else the most specific pattern, then the oldest. */
  private find(tokens: readonly string[]): Cluster | undefined {
    const exactId = this.exact.get(tokens.join(' '));
    if (exactId !== undefined) return this.clusters.get(exactId);
    let best: Cluster | undefined;
    let bestWild = Number.POSITIVE_INFINITY;
    const scan = (list: readonly Cluster[] | undefined) => {
      for (const cluster of list ?? []) {
        const wild = wildcardsIfMatches(cluster.tokens, tokens);
        if (wild >= 0 && (wild < bestWild || (wild === bestWild && cluster.id < (best as Cluster).id))) {
          best = cluster;
          bestWild = wild;
        }
      }
    };
    scan(this.byHead.get(headKey(tokens.length, tokens[0])));
    scan(this.byHead.get(headKey(tokens.length, undefined)));
    return best;
  }

  /**
   * A new template more general than older ones (a masked `<*>` where they hold a word) takes them in; the
   * oldest id survives so ids stay stable.
   */
  private absorbSubsumed(cluster: Cluster): Cluster {
    const bucket = this.byLength.get(cluster.tokens.length) ?? [];
    if (!informative(cluster.tokens)) return cluster;
    const subsumed = bucket.filter(
      (o) =>
        o !== cluster &&
        o.tokens[0] === cluster.tokens[0] &&
        wildcardsIfMatches(cluster.tokens, o.tokens) >= 0,
    );
    if (subsumed.length === 0) return cluster;
    const target = subsumed[0] as Cluster; // id order
    this.retemplate(target, cluster.tokens);
    this.absorb(target, cluster);
    for (const other of subsumed.slice(1)) this.absorb(target, other);
    return target;
  }

  /**
   * Merges the family of templates that differ from `cluster` in exactly one position once it has enough
   * variants, repeating while merges create new families. Returns the cluster `cluster` ended up in.
   */
  private generalizeFamilies(start: Cluster): Cluster {
    let cluster = start;
    // Each merge strictly generalizes one token, so this ends; the bound is a guard, not a tuning knob.
    for (let round = 0; round < 256; round++) {
      const family = this.largestFamily(cluster);
      if (family === undefined) return cluster;
      const { position, members } = family;
      const target = members[0] as Cluster; // lowest id: members come from an id-ordered bucket
      let merged = target.tokens[position] as string;
      for (const m of members) merged = mergeTokens(merged, m.tokens[position] as string);
      const tokens = target.tokens.slice();
      tokens[position] = merged;
      this.retemplate(target, tokens);
      for (const other of this.byLength.get(tokens.length)?.slice() ?? []) {
        if (
          other !== target &&
          other.tokens[0] === tokens[0] &&
          wildcardsIfMatches(tokens, other.tokens) >= 0
        ) {
          this.absorb(target, other);
        }
      }
      cluster = target;
    }
    return cluster;
  }

  /** Templates of the same length differing from `cluster` only at one position, if enough for a merge. */
  private largestFamily(cluster: Cluster): { position: number; members: Cluster[] } | undefined {
    const bucket = this.byLength.get(cluster.tokens.length) ?? [];
    if (bucket.length < VARIANTS_TO_GENERALIZE) return undefined;
    const byPosition = new Map<number, Cluster[]>();
    const own = cluster.tokens;
    for (const other of bucket) {
      if (other === cluster) continue;
      const position = soleDifference(own, other.tokens);
      if (position < 0) continue;
      const members = byPosition.get(position);
      if (members === undefined) byPosition.set(position, [other]);
      else members.push(other);
    }
    let best: { position: number; members: Cluster[] } | undefined;
    for (const [position, members] of byPosition) {
      if (!mayGeneralize(own, position)) continue;
      if (members.length + 1 < VARIANTS_TO_GENERALIZE) continue;
      if (
        best === undefined ||
        members.length > best.members.length ||
        (members.length === best.members.length && position < best.position)
      ) {
        best = { position, members };
      }
    }
    if (best === undefined) return undefined;
    best.members.push(cluster);
    best.members.sort((a, b) => a.id - b.id);
    return best;
  }

  private absorb(target: Cluster, other: Cluster): void {
    target.count += other.count;
    target.lastSeen = Math.max(target.lastSeen, other.lastSeen);
    this.remove(other);
    for (const [from, to] of this.aliases) if (to === other.id) this.aliases.set(from, target.id);
    this.aliases.set(other.id, target.id);
  }

  private insert(fields: Omit<Cluster, 'text' | 'informative'>): Cluster {
    const cluster: Cluster = {
      ...fields,
      text: fields.tokens.join(' '),
      informative: informative(fields.tokens),
    };
    this.clusters.set(cluster.id, cluster);
    this.totalBytes += stateBytes(cluster);
    const bucket = this.byLength.get(cluster.tokens.length);
    if (bucket === undefined) this.byLength.set(cluster.tokens.length, [cluster]);
    else insertSorted(bucket, cluster);
    this.index(cluster);
    return cluster;
  }

  private remove(cluster: Cluster): void {
    this.unindex(cluster);
    this.clusters.delete(cluster.id);
    this.totalBytes -= stateBytes(cluster);
    const bucket = this.byLength.get(cluster.tokens.length) as Cluster[];
    bucket.splice(bucket.indexOf(cluster), 1);
    if (bucket.length === 0) this.byLength.delete(cluster.tokens.length);
  }

  private retemplate(cluster: Cluster, tokens: string[]): void {
    this.unindex(cluster);
    this.totalBytes -= stateBytes(cluster);
    cluster.tokens = tokens;
    cluster.text = tokens.join(' ');
    cluster.informative = informative(tokens);
    this.totalBytes += stateBytes(cluster);
    this.index(cluster);
  }

  private index(cluster: Cluster): void {
    if (cluster.informative) {
      const key = clusterHeadKey(cluster);
      const list = this.byHead.get(key);
      if (list === undefined) this.byHead.set(key, [cluster]);
      else insertSorted(list, cluster);
    }
    const holder = this.exact.get(cluster.text);
    if (holder === undefined || holder > cluster.id) this.exact.set(cluster.text, cluster.id);
  }

  private unindex(cluster: Cluster): void {
    const key = clusterHeadKey(cluster);
    const list = this.byHead.get(key);
    const at = list?.indexOf(cluster) ?? -1;
    if (list !== undefined && at >= 0) {
      list.splice(at, 1);
      if (list.length === 0) this.byHead.delete(key);
    }
    if (this.exact.get(cluster.text) !== cluster.id) return;
    this.exact.delete(cluster.text);
    // Two templates can converge on the same text; the next oldest becomes the exact match.
    for (const other of this.byLength.get(cluster.tokens.length) ?? []) {
      if (other !== cluster && other.text === cluster.text) {
        this.exact.set(other.text, other.id);
        return;
      }
    }
  }

  /**
   * Forgets the least recently seen templates (never the one just used) once over a limit, down to 90% of it:
   * evicting in batches keeps a flood of one-off lines at amortized constant cost per line.
   */
  private evict(keep: Cluster): void {
    const { maxClusters, maxStateBytes } = this.limits;
    if (this.clusters.size <= maxClusters && this.totalBytes <= maxStateBytes) return;
    const oldestFirst = [...this.clusters.values()]
      .filter((c) => c !== keep)
      .sort((a, b) => a.lastSeen - b.lastSeen);
    for (const c of oldestFirst) {
      if (this.clusters.size <= maxClusters * 0.9 && this.totalBytes <= maxStateBytes * 0.9) break;
      this.remove(c);
    }
    for (const [from, to] of this.aliases) if (!this.clusters.has(to)) this.aliases.delete(from);
    while (this.aliases.size > maxClusters) {
      const first = this.aliases.keys().next().value as number;
      this.aliases.delete(first);
    }
  }
}

/** Runs of this many or more values are one list, whose length varies from line to line. */
const LIST_RUN = 6;

/** Collapses each run of {@link LIST_RUN} or more `<*>` tokens into one `<*>`. */
function collapseLists(tokens: string[]): string[] {
  let run = 0;
  let longest = 0;
  for (const t of tokens) {
    run = t === WILDCARD ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  if (longest < LIST_RUN) return tokens;
  const out: string[] = [];
  run = 0;
  for (const t of tokens) {
    run = t === WILDCARD ? run + 1 : 0;
    if (run === LIST_RUN) out.length -= LIST_RUN - 2; // keep the run's first `<*>`
    if (run < LIST_RUN) out.push(t);
  }
  return out;
}

function headKey(length: number, head: string | undefined): string {
  return head === undefined ? `${length}` : `${length} ${head}`;
}

function clusterHeadKey(c: Cluster): string {
  const head = c.tokens[0];
  return headKey(c.tokens.length, head === undefined || head.includes(WILDCARD) ? undefined : head);
}

function summary(c: Cluster): TemplateSummary {
  return { clusterId: c.id, template: c.text, count: c.count };
}

/** JSON size of one `[id,"text",count,lastSeen]` entry; escapes make it a slight underestimate, hence headroom. */
function stateBytes(c: Cluster): number {
  return c.text.length + 40;
}

function insertSorted(bucket: Cluster[], cluster: Cluster): void {
  let i = bucket.length;
  while (i > 0 && (bucket[i - 1] as Cluster).id > cluster.id) i--;
  bucket.splice(i, 0, cluster);
}

/** Number of wildcard positions used when `template` matches `tokens` token for token, else -1. */
function wildcardsIfMatches(template: readonly string[], tokens: readonly string[]): number {
  let wild = 0;
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const l = tokens[i] as string;
    if (t === l) continue;
    if (t === WILDCARD) wild++;
    else if (fits(t, l)) wild++;
    else return -1;
  }
  return wild;
}

/**
 * Whether a family may turn `position` into a wildcard. The first word of a message usually names the event
 * (`startup`/`shutdown`, `Accepted`/`Failed`), and a template needs at least two fixed words left to still
 * describe one event rather than any short line.
 */
function mayGeneralize(tokens: readonly string[], position: number): boolean {
  return position !== 0 && fixedWords(tokens, position) >= 2;
}

/**
 * A template with fewer than two fixed words (`<*> <*> <*>`, `removing <*>`) would swallow unrelated lines of the
 * same length; it only takes lines equal to it once masked.
 */
function informative(tokens: readonly string[]): boolean {
  return fixedWords(tokens, -1) >= 2;
}

function fixedWords(tokens: readonly string[], except: number): number {
  let words = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (i !== except && !t.includes(WILDCARD) && /[A-Za-z]/.test(t)) words++;
  }
  return words;
}

/** The only position where two equally long templates differ, or -1 (none, or more than one). */
function soleDifference(a: readonly string[], b: readonly string[]): number {
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (at >= 0) return -1;
    at = i;
  }
  return at;
}

/** Whether a partially variable template token (`user=<*>`) covers a token (`user=root`, `user=<*>`). */
function fits(template: string, token: string): boolean {
  const at = template.indexOf(WILDCARD);
  if (at < 0) return false;
  const prefix = template.slice(0, at);
  const suffix = template.slice(at + WILDCARD.length);
  // An empty value fits too: `()` is `(<*>)` with nothing in it.
  return token.length >= prefix.length + suffix.length && token.startsWith(prefix) && token.endsWith(suffix);
}

/**
 * The most specific token covering two tokens: a shared prefix ending in a value opener (`user=`, `(`, `'`) and
 * a shared suffix starting with a closer (`)`, `,`) stay, the rest becomes `<*>`.
 *
 * @example
 * ```ts
 * mergeTokens('user=root', 'user=admin'); // 'user=<*>'
 * mergeTokens('(alpha)', '(beta)');       // '(<*>)'
 * mergeTokens('startup', 'shutdown');     // '<*>'
 * ```
 */
export function mergeTokens(a: string, b: string): string {
  if (a === b) return a;
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  while (p > 0 && !VALUE_OPENERS.has(a.charAt(p - 1))) p--;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  while (s > 0 && !VALUE_CLOSERS.has(a.charAt(a.length - s))) s--;
  const prefix = a.slice(0, p);
  const suffix = a.slice(a.length - s);
  if (a.length - p - s <= 0 || b.length - p - s <= 0) return WILDCARD;
  // A kept prefix or suffix must not cut through a `<*>` that masking produced.
  if (/<\*?$/.test(prefix) || /^\*?>/.test(suffix)) return WILDCARD;
  // Keep at most one wildcard per merged token so `fits` can match it by prefix and suffix.
  if (prefix.includes(WILDCARD) || suffix.includes(WILDCARD)) return WILDCARD;
  return `${prefix}${WILDCARD}${suffix}`;
}
