import { DynamoDbLeaseStore } from '../../adapters/dynamodb-lease-store.js';
import type { MetricAlarmDefinition } from '../../local/cloudwatch/alarm-evaluator.js';
import type { AlarmStateChange } from '../../local/cloudwatch/alarm-events.js';
import { incidentFacts } from '../report.js';
import type { Scenario } from '../scenario.js';
import { ALARM, type DrillWorld, FLEET } from '../world.js';
import { crashAndRecover } from './crash.js';
import { commonOutcome, deliveryCounts, executionsThatActed } from './facts.js';

/** A second alarm on the same resource (same dimensions): a synthetic canary against the checkout fleet. */
export const CANARY_ALARM: MetricAlarmDefinition = {
  alarmName: 'checkout-canary-failures',
  alarmDescription: 'Checkout canary: any failed synthetic checkout',
  namespace: 'Faultline/Drill',
  metricName: 'CanaryFailures',
  dimensions: { RingId: FLEET },
  statistic: 'Sum',
  periodSeconds: 60,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
};
export const SECOND_ALARM_DELAY_MS = 1_000;

/** The first alarm's delivery, still in flight when the second alarm's arrives. */
const inFlight = new WeakMap<DrillWorld, Promise<void>>();

/**
 * Two alarms on the same resource fire 1 s apart (CloudWatch time): the error-rate alarm, then the canary, whose
 * deliveries run concurrently. Both must land on one incident, with one recovery acting under the lease.
 */
export const concurrentScenario: Scenario = {
  name: 'concurrent',
  description: 'two alarms on the same fleet fire 1 s apart; one incident, one recovery acts under the lease',
  world: {
    async deliver(world: DrillWorld, change: AlarmStateChange) {
      const first = change.alarm.alarmName === ALARM.alarmName && change.state === 'ALARM';
      if (first && !inFlight.has(world)) {
        inFlight.set(world, world.deliverThroughEventBridge(change));
        // The canary fails a second later; the emulator queues its change and the world delivers it next,
        // while the first delivery is still in flight.
        world.clock.advanceTo(change.timestampMs + SECOND_ALARM_DELAY_MS);
        world.runtime.cloudwatch.setAlarmState(
          CANARY_ALARM.alarmName,
          'ALARM',
          'Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0).',
        );
        return;
      }
      const pending = inFlight.get(world);
      await Promise.all([world.deliverThroughEventBridge(change), pending]);
    },
  },
  async run(world: DrillWorld) {
    world.runtime.cloudwatch.putMetricAlarm(CANARY_ALARM);
    const { faultAt } = await crashAndRecover(world);
    const [outcome, counts] = await Promise.all([commonOutcome(world, faultAt), deliveryCounts(world)]);
    if (!outcome.incidentId) return { ...outcome, ...counts };
    const { incident, timeline } = await incidentFacts(world, outcome.incidentId);
    const client = world.runtime.dynamodb.client();
    const lease = await new DynamoDbLeaseStore({ client, tableName: world.runtime.tables.Coordination })
      .read({ resource: incident.resourceId })
      .finally(() => client.destroy());
    const acted = executionsThatActed(world);
    return {
      ...outcome,
      ...counts,
      recoveriesActing: acted.length,
      actingExecutions: acted.map((e) => e.name),
      resourceId: incident.resourceId,
      // Which alarms the incident's timeline recorded going to ALARM, with CloudWatch's times.
      alarmsOnIncident: timeline
        .filter((e) => e.kind === 'alarm-alarm' || (e.kind === 'opened' && e.detail?.state === 'ALARM'))
        .map((e) => ({ alarmName: String(e.detail?.alarmName), at: String(e.detail?.stateChangedAt) }))
        .sort((a, b) => a.at.localeCompare(b.at)),
      // Fencing tokens in timeline order: the lease acquisition and every runbook step it fenced.
      leaseTokens: timeline
        .filter((e) => e.kind === 'lease-acquired' || e.kind === 'runbook-step')
        .map((e) => ({ kind: e.kind, token: e.detail?.token })),
      leaseRecord: lease ? { token: lease.token, owner: lease.owner, released: lease.released } : null,
    };
  },
};
