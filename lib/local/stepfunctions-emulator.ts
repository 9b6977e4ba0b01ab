import './polyfills.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { LoopbackServer, readBody } from './loopback-server.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface TaskInvocation {
  readonly executionName: string;
  readonly executionArn: string;
  readonly stateName: string;
}
export type TaskHandler = (input: Json, invocation: TaskInvocation) => Promise<Json> | Json;

/** A local task implementation for one Task state, and whether it waits for a task token. */
export interface TaskRoute {
  readonly handler: TaskHandler;
}

export interface HistoryEvent {
  readonly id: number;
  readonly timestamp: number;
  /** AWS history event type, e.g. TaskStateEntered, ExecutionSucceeded. */
  readonly type: string;
  readonly stateName?: string;
  readonly stateType?: string;
  readonly input?: Json;
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  /** For WaitStateEntered: how long the state waits, from its Seconds or SecondsPath. */
  readonly waitSeconds?: number;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: HistoryEvent[];
  readonly done: Promise<void>;
}

export interface StepFunctionsEmulatorOptions {
  readonly stateMachineArn: string;
  readonly definition: StateMachineDefinition;
  /** Local implementation for each Task state, by state name. */
  readonly routes: Record<string, TaskRoute>;
  /** Milliseconds to actually sleep in every Wait state (0: do not sleep). @default the state's own time */
  readonly waitMs?: number;
  /** Milliseconds between retries (replaces IntervalSeconds × backoff). @default the definition's own */
  readonly retryMs?: number;
  /** Called synchronously for every history event, before the execution moves on. */
  readonly onEvent?: (execution: ExecutionRecord, event: HistoryEvent) => void;
}

export class TaskTokenError extends Error {
  override readonly name = 'TaskDoesNotExist';
}

/**
 * Step Functions for the embedded runtime: runs the synthesized definition with aws-local-stepfunctions and
 * serves the Step Functions JSON API (StartExecution, DescribeExecution, GetExecutionHistory, ListExecutions,
 * SendTaskSuccess/Failure/Heartbeat, StopExecution) on a loopback port, so handlers and users reach it with the
 * real `@aws-sdk/client-sfn`.
 */
export class StepFunctionsEmulator {
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly pendingTokens = new Map<
    string,
    { resolve: (v: Json) => void; reject: (e: Error) => void }
  >();
  private readonly machine: StateMachine;
  private readonly stateTypes: Map<string, string>;
  private readonly waitStates: Map<string, { Seconds?: number; SecondsPath?: string }>;
  private readonly http = new LoopbackServer((req, res) => this.serve(req, res));

  constructor(private readonly options: StepFunctionsEmulatorOptions) {
    this.machine = new StateMachine(options.definition, { validationOptions: { checkArn: false } });
    this.stateTypes = collectStateTypes(options.definition);
    this.waitStates = new Map(
      Object.entries(options.definition.States)
        .filter(([, state]) => state.Type === 'Wait')
        .map(([name, state]) => [name, state as { Seconds?: number; SecondsPath?: string }]),
    );
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  listen(port = 0): Promise<string> {
    return this.http.listen(port);
  }

  async close(): Promise<void> {
    for (const pending of this.pendingTokens.values()) pending.reject(new Error('Emulator stopped'));
    this.pendingTokens.clear();
    await this.http.close();
  }

  /** Registers a task token and returns a promise settled by SendTaskSuccess/Failure. */
  awaitTaskToken(token: string): Promise<Json> {
    return new Promise((resolve, reject) => this.pendingTokens.set(token, { resolve, reject }));
  }

  newTaskToken(): string {
    return Buffer.from(randomUUID()).toString('base64url');
  }

  startExecution(name: string | undefined, input: string): ExecutionRecord {
    const executionName = name ?? randomUUID();
    const executionArn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: same name and input while running is idempotent; anything else is ExecutionAlreadyExists.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new ApiError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    const parsedInput = JSON.parse(input) as Json;
    const history: HistoryEvent[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const record: ExecutionRecord = {
      executionArn,
      name: executionName,
      input,
      startDate: Date.now(),
      status: 'RUNNING',
      history,
      done,
    };
    this.executions.set(executionArn, record);
    const overrides = this.overrides(executionName, executionArn);
    const run = this.machine.run(parsedInput, {
      overrides,
      context: {
        Execution: {
          Id: executionArn,
          Name: executionName,
          Input: parsedInput,
          StartTime: new Date().toISOString(),
        },
        StateMachine: {
          Id: this.options.stateMachineArn,
          Name: this.options.stateMachineArn.split(':').pop(),
        },
        Task: { Token: 'TASK_TOKEN' },
      },
    });
    void (async () => {
      for await (const event of run.eventLogs) this.record(record, event as unknown as LibraryEvent);
    })();
    run.result
      .then(
        (output) => {
          record.status = 'SUCCEEDED';
          record.output = JSON.stringify(output);
        },
        (error: Error & { cause?: unknown }) => {
          record.status = 'FAILED';
          const failed = [...history].reverse().find((e) => e.type === 'ExecutionFailed');
          record.error = failed?.error ?? error.name;
          record.cause = failed?.cause ?? error.message;
        },
      )
      .finally(() => {
        record.stopDate = Date.now();
        // Let the event log drain before waiters look at the history.
        setTimeout(finish, 5);
      });
    return record;
  }

  private overrides(executionName: string, executionArn: string) {
    const taskResourceLocalHandlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, route] of Object.entries(this.options.routes)) {
      taskResourceLocalHandlers[stateName] = async (input) => {
        // The executor's event log is read asynchronously; one macrotask lets every event up to this task reach
        // the history (and onEvent) before the task runs, so hooks see the execution as it is.
        await new Promise((resolve) => setImmediate(resolve));
        return route.handler(input, { executionName, executionArn, stateName });
      };
    }
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, type] of this.stateTypes) {
      if (type === 'Wait' && this.options.waitMs !== undefined)
        waitTimeOverrides[stateName] = this.options.waitMs;
      if (this.options.retryMs !== undefined) retryIntervalOverrides[stateName] = this.options.retryMs;
    }
    return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides };
  }

  private record(execution: ExecutionRecord, event: LibraryEvent): void {
    const stateType = event.state?.type ?? '';
    const type = awsEventType(event.type, stateType);
    const entry: HistoryEvent = {
      id: execution.history.length + 1,
      timestamp: event.timestamp,
      type,
      stateName: event.state?.name,
      stateType: stateType || undefined,
      input: event.state?.input ?? event.input,
      output: event.state?.output ?? event.output,
      error: event.Error,
      cause: event.Cause === undefined ? undefined : String(event.Cause),
      waitSeconds:
        type === 'WaitStateEntered' ? this.waitSecondsOf(event.state?.name, event.state?.input) : undefined,
    };
    execution.history.push(entry);
    this.options.onEvent?.(execution, entry);
  }

  private waitSecondsOf(stateName: string | undefined, input: Json | undefined): number | undefined {
    const state = stateName === undefined ? undefined : this.waitStates.get(stateName);
    if (!state) return undefined;
    if (state.Seconds !== undefined) return state.Seconds;
    if (!state.SecondsPath) return undefined;
    // Simple `$.a.b` paths, which is what the recovery workflow uses.
    let value: unknown = input;
    for (const part of state.SecondsPath.replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)) {
      value = (value as Record<string, unknown> | null)?.[part];
    }
    return typeof value === 'number' ? value : undefined;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const result = this.dispatch(target, body);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(result));
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError('InvalidParameterValue', String(error));
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: apiError.code, message: apiError.message }));
    }
  }

  private dispatch(target: string, body: Record<string, unknown>): unknown {
    switch (target) {
      case 'StartExecution': {
        if (body.stateMachineArn !== this.options.stateMachineArn) {
          throw new ApiError(
            'StateMachineDoesNotExist',
            `State machine does not exist: '${body.stateMachineArn}'`,
          );
        }
        const name = body.name === undefined ? undefined : String(body.name);
        if (name !== undefined && !/^[\w-]{1,80}$/.test(name)) {
          throw new ApiError('InvalidName', `Invalid execution name: '${name}'`);
        }
        const record = this.startExecution(name, String(body.input ?? '{}'));
        return { executionArn: record.executionArn, startDate: record.startDate / 1000 };
      }
      case 'DescribeExecution': {
        const record = this.find(String(body.executionArn));
        return {
          executionArn: record.executionArn,
          stateMachineArn: this.options.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: record.startDate / 1000,
          stopDate: record.stopDate === undefined ? undefined : record.stopDate / 1000,
          input: record.input,
          output: record.output,
          error: record.error,
          cause: record.cause,
        };
      }
      case 'ListExecutions':
        return {
          executions: [...this.executions.values()].map((r) => ({
            executionArn: r.executionArn,
            stateMachineArn: this.options.stateMachineArn,
            name: r.name,
            status: r.status,
            startDate: r.startDate / 1000,
          })),
        };
      case 'GetExecutionHistory': {
        const record = this.find(String(body.executionArn));
        const events = record.history.map((e) => toAwsHistoryEvent(e));
        return { events: body.reverseOrder ? events.reverse() : events };
      }
      case 'SendTaskSuccess':
        this.settle(String(body.taskToken), (p) =>
          p.resolve(JSON.parse(String(body.output ?? 'null')) as Json),
        );
        return {};
      case 'SendTaskFailure':
        this.settle(String(body.taskToken), (p) => {
          const error = new Error(String(body.cause ?? ''));
          error.name = String(body.error ?? 'TaskFailed');
          p.reject(error);
        });
        return {};
      case 'SendTaskHeartbeat':
        if (!this.pendingTokens.has(String(body.taskToken)))
          throw new ApiError('TaskTimedOut', 'Task timed out');
        return {};
      default:
        throw new ApiError('UnknownOperationException', `Operation not supported locally: ${target}`);
    }
  }

  private settle(
    token: string,
    action: (p: { resolve: (v: Json) => void; reject: (e: Error) => void }) => void,
  ) {
    const pending = this.pendingTokens.get(token);
    if (!pending) throw new ApiError('TaskDoesNotExist', 'Task does not exist or has already been answered');
    this.pendingTokens.delete(token);
    action(pending);
  }

  private find(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw new ApiError('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    return record;
  }
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface LibraryEvent {
  type: string;
  timestamp: number;
  input?: Json;
  output?: Json;
  state?: { name: string; type: string; input: Json; output?: Json };
  Error?: string;
  Cause?: unknown;
}

function awsEventType(type: string, stateType: string): string {
  switch (type) {
    case 'StateEntered':
      return `${stateType}StateEntered`;
    case 'StateExited':
      return `${stateType}StateExited`;
    case 'StateFailed':
      return stateType === 'Task' ? 'TaskFailed' : `${stateType}StateFailed`;
    case 'StateRetried':
      return 'TaskRetried';
    case 'StateCaught':
      return 'TaskCaught';
    default:
      return type;
  }
}

function toAwsHistoryEvent(e: HistoryEvent): Record<string, unknown> {
  const base = { id: e.id, timestamp: e.timestamp / 1000, type: e.type };
  if (e.type.endsWith('StateEntered')) {
    return {
      ...base,
      stateEnteredEventDetails: { name: e.stateName, input: JSON.stringify(e.input ?? null) },
    };
  }
  if (e.type.endsWith('StateExited')) {
    return {
      ...base,
      stateExitedEventDetails: { name: e.stateName, output: JSON.stringify(e.output ?? null) },
    };
  }
  if (e.type === 'ExecutionFailed')
    return { ...base, executionFailedEventDetails: { error: e.error, cause: e.cause } };
  if (e.type === 'TaskFailed') return { ...base, taskFailedEventDetails: { error: e.error, cause: e.cause } };
  if (e.type === 'ExecutionSucceeded') {
    return { ...base, executionSucceededEventDetails: { output: JSON.stringify(e.output ?? null) } };
  }
  return base;
}

function collectStateTypes(definition: StateMachineDefinition): Map<string, string> {
  const types = new Map<string, string>();
  const visit = (states: Record<string, unknown>) => {
    for (const [name, state] of Object.entries(states)) {
      const s = state as { Type: string; Branches?: { States: Record<string, unknown> }[] };
      types.set(name, s.Type);
      for (const branch of s.Branches ?? []) visit(branch.States);
      const processor = (state as { ItemProcessor?: { States: Record<string, unknown> } }).ItemProcessor;
      if (processor) visit(processor.States);
    }
  };
  visit(definition.States as Record<string, unknown>);
  return types;
}
