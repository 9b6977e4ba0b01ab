import { createConnection } from 'node:net';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../lib/local/runtime.js';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
let clock = Date.UTC(2026, 0, 1);
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ waitMs: 0, retryMs: 1, now: () => clock });
});
afterAll(async () => {
  await runtime?.stop();
});

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the embedded local runtime', () => {
  it('creates every table in DynamoDB Local from the shared schemas', async () => {
    const client = runtime.dynamodb.client();
    const { TableNames } = await client.send(new ListTablesCommand({}));
    client.destroy();
    expect(TableNames?.sort()).toEqual(Object.values(runtime.tables).sort());
  });

  it('runs the state machine taken from the synthesized template', () => {
    const [machine] = Object.values(runtime.template.Resources).filter(
      (r) => r.Type === 'AWS::StepFunctions::StateMachine',
    );
    expect(machine).toBeDefined();
    const definition = JSON.stringify(machine?.Properties?.DefinitionString);
    expect(definition).toContain('WaitForLease');
    expect(runtime.stateMachineArn).toMatch(/^arn:aws:states:us-east-1:000000000000:stateMachine:/);
  });

  it('serves the Step Functions API: a second start with the same name and input is the same execution', async () => {
    const sfn = new SFNClient({ ...local, endpoint: runtime.endpoints.stepfunctions });
    const input = JSON.stringify({ incidentId: 'inc-missing', resourceId: 'r', alarmName: 'a' });
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: 'same-name', input }),
    );
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: 'same-name', input }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(described.name).toBe('same-name');
    sfn.destroy();
  });

  it('evaluates CloudWatch alarms on its clock and answers DescribeAlarms through the SDK', async () => {
    const cw = new CloudWatchClient({ ...local, endpoint: runtime.cloudwatch.endpoint });
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'cpu-high',
        Namespace: 'Test',
        MetricName: 'CPU',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 90,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Test',
        MetricData: [{ MetricName: 'CPU', Value: 95, Timestamp: new Date(clock + 10_000) }],
      }),
    );
    clock += 60_000;
    runtime.cloudwatch.advanceTo(clock);
    const { MetricAlarms } = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['cpu-high'] }));
    expect(MetricAlarms?.[0]?.StateValue).toBe('ALARM');
    expect(MetricAlarms?.[0]?.StateUpdatedTimestamp?.getTime()).toBe(clock);
    cw.destroy();
  });

  it('invokes registered functions through the Lambda API, reporting errors as Lambda does', async () => {
    runtime.lambda.register('echo', (event) => ({ echoed: event }));
    runtime.lambda.register('boom', () => {
      const error = new Error('nope');
      error.name = 'Broken';
      throw error;
    });
    const lambda = new LambdaClient({ ...local, endpoint: runtime.lambda.endpoint });
    const ok = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }) }),
    );
    expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString())).toEqual({ echoed: { a: 1 } });
    const failed = await lambda.send(new InvokeCommand({ FunctionName: 'boom', Payload: '{}' }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString()).errorType).toBe('Broken');
    lambda.destroy();
  });

  it('sends an undeliverable async event to the function DLQ after three attempts', async () => {
    const outcome = await runtime.invokeAsync('detect', { not: 'an alarm' });
    expect(outcome).toMatchObject({
      delivered: false,
      attempts: 3,
      error: { name: 'MalformedAlarmEventError' },
    });
    const dlq = outcome.deadLetterQueueUrl ?? '';
    expect(await runtime.peekQueue(dlq)).toContainEqual({ not: 'an alarm' });
  });

  it('rejects a malformed log delivery with a typed error and writes nothing', async () => {
    await expect(runtime.invoke('localize', { awslogs: { data: 'bm90IGd6aXA=' } })).rejects.toMatchObject({
      name: 'MalformedLogsPayloadError',
    });
    const client = runtime.dynamodb.client();
    const { Items = [] } = await client.send(
      new ScanCommand({ TableName: runtime.tables.Incidents, ConsistentRead: true }),
    );
    client.destroy();
    expect(Items.filter((i) => /^(LOCALIZER|SUSPECTS)#/.test(String(i.pk?.S)))).toEqual([]);
  });

  it('stops DynamoDB Local when stopped', async () => {
    const own = await startLocalRuntime({ waitMs: 0 });
    const port = own.dynamodb.port;
    expect(await portOpen(port)).toBe(true);
    await own.stop();
    expect(await portOpen(port)).toBe(false);
  });
});
