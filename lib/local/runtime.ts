import './polyfills.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { FaultlineStackProps } from '../../cdk/faultline-stack.js';
import { createTables, localTableNames, type TableNames, tableSchemas } from '../tables/index.js';
import {
  type CreatedQueue,
  type ExternalEndpoints,
  embeddedBackends,
  endpointBackends,
  type ServiceBackends,
} from './backends.js';
import type { AlarmStateChange } from './cloudwatch/alarm-events.js';
import { CloudWatchEmulator } from './cloudwatch/cloudwatch-emulator.js';
import { matchesPattern } from './event-pattern.js';
import { resolveIntrinsics } from './intrinsics.js';
import { lambdaContext } from './lambda-context.js';
import { LambdaEmulator } from './lambda-emulator.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, localAwsConfig } from './local-aws-config.js';
import {
  type ExecutionRecord,
  type HistoryEvent,
  StepFunctionsEmulator,
  type TaskRoute,
} from './stepfunctions-emulator.js';
import { type CfnTemplate, synthesizeTemplate } from './synthesize.js';

/**
 * The function whose invocation the current async context belongs to, so instrumentation (the drill's request
 * counter) can attribute work to a handler even when invocations interleave.
 */
export const currentFunction = new AsyncLocalStorage<string>();

const functionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../functions');
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface LocalRuntimeOptions {
  /** Keep DynamoDB data in this folder between runs. @default in memory */
  readonly dataDir?: string;
  /**
   * Use DynamoDB and SQS at this endpoint (LocalStack) instead of starting DynamoDB Local and fauxqs. Tables and
   * queues get a per-run prefix there. @default start them here
   */
  readonly endpoint?: ExternalEndpoints;
  /** Real milliseconds each Wait state sleeps; 0 makes simulated time the only time. @default the state's own */
  readonly waitMs?: number;
  /** Real milliseconds between Retry attempts. @default the definition's own */
  readonly retryMs?: number;
  /** Stack settings, as `cdk deploy` would use them. */
  readonly stack?: FaultlineStackProps;
  /** Powertools log level for the handlers. @default 'ERROR' */
  readonly logLevel?: string;
  /** Called for every state machine history event, synchronously, before the execution moves on. */
  readonly onEvent?: (execution: ExecutionRecord, event: HistoryEvent) => void;
  /** The clock CloudWatch alarms are evaluated on (the drill passes its simulated clock). @default Date.now */
  readonly now?: () => number;
  /**
   * Awaited before every Task state runs. The drill uses it to let simulated time pass (a Wait state just
   * ended) before the next step looks at the world.
   */
  readonly beforeTask?: (stateName: string, executionName: string) => Promise<void>;
  /** Told of each alarm state change before it is delivered to the EventBridge rule. */
  readonly onAlarmStateChange?: (change: AlarmStateChange) => void;
}

/** What happened to one asynchronous delivery (EventBridge target, SNS subscription, async invoke). */
export interface DeliveryOutcome {
  readonly delivered: boolean;
  readonly attempts: number;
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  /** The DLQ the event went to when every attempt failed. */
  readonly deadLetterQueueUrl?: string;
}

export interface LocalRuntime {
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly stepfunctions: string };
  readonly region: string;
  readonly tables: TableNames;
  /** Queue URLs by the environment variable that names them (NOTIFICATIONS_QUEUE_URL, ...) and by logical id. */
  readonly queues: Record<string, string>;
  readonly stateMachineArn: string;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly template: CfnTemplate;
  readonly dynamodb: ServiceBackends['dynamodb'];
  /** The environment handlers run with (also applied to process.env while the runtime is up). */
  readonly environment: Record<string, string>;
  readonly cloudwatch: CloudWatchEmulator;
  /** Local Lambda Invoke API for functions the caller registers (e.g. a runbook's custom step). */
  readonly lambda: LambdaEmulator;
  /** Invokes a synthesized function's handler in-process, as Lambda would (event, context). */
  invoke(handlerName: string, event: unknown): Promise<unknown>;
  /**
   * Invokes asynchronously, as EventBridge, SNS and Logs do: up to 3 attempts, then the event goes to the
   * function's DLQ as synthesized.
   */
  invokeAsync(handlerName: string, event: unknown): Promise<DeliveryOutcome>;
  /** Puts an event on the default bus: every synthesized rule whose pattern matches delivers it to its target. */
  putEvent(event: unknown): Promise<DeliveryOutcome[]>;
  /** Messages currently in a queue (by URL), read without consuming them. */
  peekQueue(queueUrl: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

/**
 * The embedded local runtime: DynamoDB Local, the fauxqs SQS emulator, and the synthesized recovery state
 * machine executed by aws-local-stepfunctions, with Lambda tasks routed to the real handlers in-process and
 * SQS integrations to the emulator. No AWS account, no Docker.
 *
 * @example
 * const runtime = await startLocalRuntime({ waitMs: 0 });
 * await runtime.invoke('detect', alarmEvent);
 * await runtime.stop();
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const started: Array<() => Promise<void>> = [];
  const savedEnv = { ...process.env };
  try {
    const backends = options.endpoint
      ? await endpointBackends(options.endpoint)
      : await embeddedBackends({ dataDir: options.dataDir });
    started.push(() => backends.stop());
    const { dynamodb, sqsEndpoint } = backends;
    // On a shared endpoint each run gets its own tables and queues, so runs never see each other's data.
    const prefix = options.endpoint ? `faultline-${Date.now().toString(36)}` : 'faultline';
    const tables = options.endpoint ? prefixedTableNames(prefix) : localTableNames();
    const setupClient = dynamodb.client();
    await createTables(setupClient, tables);
    setupClient.destroy();

    const template = synthesizeTemplate(options.stack);
    const resources = template.Resources;
    const stateMachineId = logicalIdsOf(template, 'AWS::StepFunctions::StateMachine')[0];
    if (!stateMachineId) throw new Error('The synthesized template has no state machine');
    const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineId}`;

    const tableIds = tableLogicalIds(template);
    const queueUrls = new Map<string, CreatedQueue>();
    for (const id of logicalIdsOf(template, 'AWS::SQS::Queue')) {
      queueUrls.set(id, await backends.createQueue(`${prefix}-${id}`.slice(0, 80)));
    }
    const functionIds = new Map<string, string>();
    for (const id of logicalIdsOf(template, 'AWS::Lambda::Function')) {
      const name = envOf(resources[id])?.FAULTLINE_FUNCTION;
      if (typeof name === 'string') functionIds.set(id, name);
    }

    const ctx = {
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      ref(id: string): string {
        const tableName = tableIds.get(id);
        if (tableName) return tables[tableName];
        const queue = queueUrls.get(id);
        if (queue) return queue.url;
        if (id === stateMachineId) return stateMachineArn;
        if (functionIds.has(id)) return id;
        return `local-${id}`;
      },
      getAtt(id: string, attribute: string): string {
        const queue = queueUrls.get(id);
        if (queue)
          return attribute === 'QueueName' ? queue.name : attribute === 'QueueUrl' ? queue.url : queue.arn;
        if (functionIds.has(id)) return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${id}`;
        const tableName = tableIds.get(id);
        if (tableName) return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tables[tableName]}`;
        if (id === stateMachineId) return attribute === 'Name' ? id : stateMachineArn;
        return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}/${attribute}`;
      },
    };

    // One environment for all handlers: each function's synthesized variables, resolved, plus endpoints.
    const environment: Record<string, string> = {};
    for (const id of functionIds.keys()) {
      const vars = resolveIntrinsics(envOf(resources[id]) ?? {}, ctx) as Record<string, string>;
      Object.assign(environment, vars);
    }
    delete environment.FAULTLINE_FUNCTION;
    delete environment.NODE_OPTIONS;

    const definition = JSON.parse(
      String(resolveIntrinsics(resources[stateMachineId]?.Properties?.DefinitionString, ctx)),
    ) as StateMachineDefinition;

    const handlers = new Map<string, Handler>();
    const loadHandler = async (handlerName: string): Promise<Handler> => {
      let handler = handlers.get(handlerName);
      if (!handler) {
        const mod = (await import(pathToFileURL(path.join(functionsDir, `${handlerName}.ts`)).href)) as {
          handler?: Handler;
        };
        if (typeof mod.handler !== 'function')
          throw new Error(`functions/${handlerName}.ts exports no handler`);
        handler = mod.handler;
        handlers.set(handlerName, handler);
      }
      return handler;
    };
    const invoke = async (handlerName: string, event: unknown) => {
      const handler = await loadHandler(handlerName);
      return currentFunction.run(handlerName, () =>
        handler(event, lambdaContext(`faultline-${handlerName}`)),
      );
    };

    const sqs = new SQSClient({ ...localAwsConfig(), endpoint: sqsEndpoint });
    started.push(async () => sqs.destroy());
    let emulator: StepFunctionsEmulator | undefined;
    const routes: Record<string, TaskRoute> = {};
    for (const [stateName, state] of taskStates(definition)) {
      const resource = String(state.Resource);
      const lambdaId = /:function:([^:]+)$/.exec(resource)?.[1];
      const handlerName = lambdaId ? functionIds.get(lambdaId) : undefined;
      if (handlerName) {
        routes[stateName] = { handler: async (input) => (await invoke(handlerName, input)) as Json };
      } else if (resource === 'arn:aws:states:::sqs:sendMessage') {
        routes[stateName] = { handler: async (input) => sendMessage(sqs, input) };
      } else if (resource === 'arn:aws:states:::sqs:sendMessage.waitForTaskToken') {
        routes[stateName] = {
          handler: async (input) => {
            const sfn = emulator as StepFunctionsEmulator;
            const token = sfn.newTaskToken();
            const answer = sfn.awaitTaskToken(token);
            await sendMessage(sqs, replaceTaskToken(input, token));
            return answer;
          },
        };
      } else {
        throw new Error(`State ${stateName}: resource ${resource} has no local route`);
      }
    }
    if (options.beforeTask) {
      const before = options.beforeTask;
      for (const [stateName, route] of Object.entries(routes)) {
        routes[stateName] = {
          handler: async (input, invocation) => {
            await before(stateName, invocation.executionName);
            return route.handler(input, invocation);
          },
        };
      }
    }
    emulator = new StepFunctionsEmulator({
      stateMachineArn,
      definition,
      routes,
      waitMs: options.waitMs,
      retryMs: options.retryMs,
      onEvent: options.onEvent,
    });
    const sfnEndpoint = await emulator.listen();
    started.push(() => (emulator as StepFunctionsEmulator).close());

    const now = options.now ?? Date.now;
    const cloudwatch = new CloudWatchEmulator({
      now,
      onStateChange: (change) => {
        options.onAlarmStateChange?.(change);
      },
    });
    const cloudwatchEndpoint = await cloudwatch.listen();
    started.push(() => cloudwatch.close());
    const lambdaEmulator = new LambdaEmulator();
    const lambdaEndpoint = await lambdaEmulator.listen();
    started.push(() => lambdaEmulator.close());

    const queueUrlByArn = new Map([...queueUrls.values()].map((q) => [q.arn, q.url]));
    const functionDlq = new Map<string, string>();
    for (const [id, handlerName] of functionIds) {
      const target = (resources[id]?.Properties?.DeadLetterConfig as { TargetArn?: unknown } | undefined)
        ?.TargetArn;
      const url =
        target === undefined ? undefined : queueUrlByArn.get(String(resolveIntrinsics(target, ctx)));
      if (url) functionDlq.set(handlerName, url);
    }
    const invokeAsync = async (handlerName: string, event: unknown): Promise<DeliveryOutcome> => {
      let lastError: Error | undefined;
      // Lambda's asynchronous invocation: the first attempt and two retries, then the DLQ.
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        try {
          const result = await invoke(handlerName, event);
          return { delivered: true, attempts: attempt, result };
        } catch (error) {
          lastError = error instanceof Error ? error : new Error(String(error));
        }
      }
      const dlq = functionDlq.get(handlerName);
      if (dlq) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: dlq,
            MessageBody: JSON.stringify(event),
            MessageAttributes: {
              ErrorCode: { DataType: 'String', StringValue: lastError?.name ?? 'Error' },
              ErrorMessage: {
                DataType: 'String',
                StringValue: (lastError?.message ?? '').slice(0, 1000) || '-',
              },
            },
          }),
        );
      }
      return {
        delivered: false,
        attempts: 3,
        error: { name: lastError?.name ?? 'Error', message: lastError?.message ?? '' },
        deadLetterQueueUrl: dlq,
      };
    };
    const rules = logicalIdsOf(template, 'AWS::Events::Rule')
      .map((id) => resources[id]?.Properties ?? {})
      .filter((props) => props.EventPattern !== undefined)
      .map((props) => ({
        pattern: props.EventPattern,
        targets: ((props.Targets as Array<{ Arn: unknown }> | undefined) ?? [])
          .map((t) => /:function:([^:]+)$/.exec(String(resolveIntrinsics(t.Arn, ctx)))?.[1])
          .map((id) => (id ? functionIds.get(id) : undefined))
          .filter((name): name is string => name !== undefined),
      }));
    const putEvent = async (event: unknown): Promise<DeliveryOutcome[]> => {
      const outcomes: DeliveryOutcome[] = [];
      for (const rule of rules) {
        if (!matchesPattern(rule.pattern, event)) continue;
        for (const target of rule.targets) outcomes.push(await invokeAsync(target, event));
      }
      return outcomes;
    };

    const queues: Record<string, string> = {};
    for (const [id, q] of queueUrls) queues[id] = q.url;
    for (const [key, value] of Object.entries(environment))
      if (key.endsWith('_QUEUE_URL')) queues[key] = value;

    Object.assign(process.env, environment, {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatchEndpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'false',
    });
    delete process.env.AWS_PROFILE;
    // Imported after the environment is set: importing it builds the handlers' Powertools singletons.
    const { resetClients } = await import('../../functions/shared/clients.js');
    resetClients();

    return {
      endpoints: { dynamodb: dynamodb.endpoint, sqs: sqsEndpoint, stepfunctions: sfnEndpoint },
      region: LOCAL_REGION,
      tables,
      queues,
      stateMachineArn,
      stepFunctions: emulator,
      template,
      dynamodb,
      environment,
      cloudwatch,
      lambda: lambdaEmulator,
      invoke,
      invokeAsync,
      putEvent,
      async peekQueue(queueUrl: string) {
        const queue = [...queueUrls.values()].find((q) => q.url === queueUrl);
        if (!queue) return [];
        return (await backends.peekQueue(queue)).map((body) => {
          try {
            return JSON.parse(body) as unknown;
          } catch {
            return body;
          }
        });
      },
      async stop() {
        resetClients();
        for (const stop of started.reverse()) await stop().catch(() => undefined);
        restoreEnv(savedEnv);
      },
    };
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    restoreEnv(savedEnv);
    throw error;
  }
}

async function sendMessage(sqs: SQSClient, input: Json): Promise<Json> {
  const params = input as { QueueUrl: string; MessageBody: Json };
  const body =
    typeof params.MessageBody === 'string' ? params.MessageBody : JSON.stringify(params.MessageBody);
  const out = await sqs.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: body }));
  return { MessageId: out.MessageId ?? null, MD5OfMessageBody: out.MD5OfMessageBody ?? null };
}

/** The executor has one placeholder token per run; give each waiting task its own. */
function replaceTaskToken(input: Json, token: string): Json {
  return JSON.parse(JSON.stringify(input).replaceAll('"TASK_TOKEN"', JSON.stringify(token))) as Json;
}

function prefixedTableNames(prefix: string): TableNames {
  return { Coordination: `${prefix}-coordination`, Ring: `${prefix}-ring`, Incidents: `${prefix}-incidents` };
}

function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
}

function logicalIdsOf(template: CfnTemplate, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}

function envOf(
  resource: { Properties?: Record<string, unknown> } | undefined,
): Record<string, unknown> | undefined {
  return (resource?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
}

/** Maps table logical ids to schema names through the env vars the functions receive (`{ Ref: id }`). */
function tableLogicalIds(template: CfnTemplate): Map<string, keyof TableNames> {
  const byEnv = new Map(tableSchemas.map((s) => [s.envVar as string, s.logicalName]));
  const out = new Map<string, keyof TableNames>();
  for (const resource of Object.values(template.Resources)) {
    for (const [key, value] of Object.entries(envOf(resource) ?? {})) {
      const logical = byEnv.get(key);
      const ref = (value as { Ref?: string } | null)?.Ref;
      if (logical && ref) out.set(ref, logical);
    }
  }
  return out;
}

function taskStates(definition: StateMachineDefinition): Array<[string, { Resource?: unknown }]> {
  const out: Array<[string, { Resource?: unknown }]> = [];
  const visit = (states: Record<string, unknown>) => {
    for (const [name, raw] of Object.entries(states)) {
      const state = raw as {
        Type: string;
        Resource?: unknown;
        Branches?: { States: Record<string, unknown> }[];
      };
      if (state.Type === 'Task') out.push([name, state]);
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States as Record<string, unknown>);
  return out;
}
