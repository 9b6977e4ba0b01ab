/**
 * The drill's simulated time. Everything CloudWatch-side (metric timestamps, alarm evaluations, log event times)
 * reads it, so MTTD and MTTR come out in simulated time, reproducibly, however fast the machine runs.
 */
export class SimClock {
  constructor(private current: number) {}

  now = (): number => this.current;

  advanceTo(ms: number): void {
    if (ms > this.current) this.current = ms;
  }
}
