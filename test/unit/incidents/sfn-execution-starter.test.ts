import {
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { SfnExecutionStarter } from '../../../lib/adapters/sfn-execution-starter.js';
import {
  ExecutionStartFailedError,
  IncidentConfigError,
  type RecoveryInput,
} from '../../../lib/incidents/index.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:recovery';
const input: RecoveryInput = {
  incidentId: 'inc-20260101T120000000Z-0123456789abcdef',
  resourceId: 'InstanceId=i-1',
  alarmName: 'CpuHigh',
  namespace: 'AWS/EC2',
  metricName: 'CPUUtilization',
  dimensions: { InstanceId: 'i-1' },
  openedAt: '2026-01-01T12:00:05.000Z',
};

/** A client that records the commands it is sent and answers with `reply` (no network). */
function fakeClient(reply: () => unknown) {
  const sent: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push(command);
      const r = reply();
      if (r instanceof Error) throw r;
      return r;
    },
  } as unknown as SFNClient;
  return { client, sent };
}

describe('SfnExecutionStarter', () => {
  it('sends StartExecution with the state machine, the incident name and the JSON input', async () => {
    const { client, sent } = fakeClient(() => ({ executionArn: `${ARN}:exec`, startDate: new Date() }));
    const starter = new SfnExecutionStarter({ client, stateMachineArn: ARN });
    expect(await starter.start({ name: input.incidentId, input })).toEqual({
      kind: 'started',
      executionArn: `${ARN}:exec`,
    });
    const command = sent[0] as StartExecutionCommand;
    expect(command).toBeInstanceOf(StartExecutionCommand);
    expect(command.input).toEqual({
      stateMachineArn: ARN,
      name: input.incidentId,
      input: JSON.stringify(input),
    });
  });

  it('reports ExecutionAlreadyExists as already started', async () => {
    const { client } = fakeClient(() => new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const starter = new SfnExecutionStarter({ client, stateMachineArn: ARN });
    expect(await starter.start({ name: input.incidentId, input })).toEqual({ kind: 'already-exists' });
  });

  it('translates other failures into ExecutionStartFailedError', async () => {
    const { client } = fakeClient(() => new StateMachineDoesNotExist({ message: 'gone', $metadata: {} }));
    const starter = new SfnExecutionStarter({ client, stateMachineArn: ARN });
    const error = await starter.start({ name: input.incidentId, input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionStartFailedError);
    expect(error).toMatchObject({ name: 'ExecutionStartFailedError', incidentId: input.incidentId });
  });

  it('needs a state machine ARN', () => {
    const saved = process.env.RECOVERY_STATE_MACHINE_ARN;
    delete process.env.RECOVERY_STATE_MACHINE_ARN;
    try {
      expect(() => new SfnExecutionStarter({ client: fakeClient(() => ({})).client })).toThrow(
        IncidentConfigError,
      );
    } finally {
      if (saved !== undefined) process.env.RECOVERY_STATE_MACHINE_ARN = saved;
    }
  });
});
