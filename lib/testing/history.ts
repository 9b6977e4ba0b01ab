/** One thing a lease client did, stamped with the test's true time (not the client's possibly skewed clock). */
export type LeaseEvent =
  | {
      readonly type: 'acquired';
      readonly at: number;
      readonly client: string;
      readonly resource: string;
      readonly token: number;
      /** True time this client first saw the incarnation it replaced (takeovers only). */
      readonly watchStartedAt?: number;
    }
  /** `assertValid` passed: the client believed it held the lease at this instant. */
  | {
      readonly type: 'valid';
      readonly at: number;
      readonly client: string;
      readonly resource: string;
      readonly token: number;
    }
  | {
      readonly type: 'write';
      readonly at: number;
      readonly client: string;
      readonly resource: string;
      readonly token: number;
      readonly outcome: 'accepted' | 'refused' | 'unknown';
    }
  | {
      readonly type: 'released';
      readonly at: number;
      readonly client: string;
      readonly resource: string;
      readonly token: number;
    }
  /** Stopped without releasing, as a crashed or killed Lambda does. */
  | {
      readonly type: 'crashed';
      readonly at: number;
      readonly client: string;
      readonly resource: string;
      readonly token: number;
    }
  | {
      readonly type: 'error';
      readonly at: number;
      readonly client: string;
      readonly resource: string;
      readonly name: string;
    };

/** What a guarded resource accepted, in the order it accepted it (read back from the resource itself). */
export interface LogEntry {
  readonly token: number;
  readonly client: string;
  readonly seq: number;
}

/**
 * Collects a run's history for the checkers. Append-only; cheap enough for tens of thousands of events.
 *
 * @example
 * const history = new HistoryRecorder();
 * history.record({ type: 'valid', at: history.now(), client: 'c1', resource: 'r', token: 3 });
 */
export class HistoryRecorder {
  readonly events: LeaseEvent[] = [];

  constructor(readonly now: () => number = () => performance.now()) {}

  record(event: LeaseEvent): void {
    this.events.push(event);
  }

  count(type: LeaseEvent['type']): number {
    return this.events.filter((e) => e.type === type).length;
  }
}
