import type { FenceToken } from './fence.js';

/**
 * Ports the steps call. Adapters in lib/adapters implement the AWS ones with injected SDK v3 clients; the ring
 * port is implemented by the ring module. Adapters translate SDK errors into `TransientRunbookError`,
 * `RunbookTargetNotFoundError` or `RunbookStepFailedError`, so nothing here knows SDK error classes.
 */

/**
 * The ring's fault operations. Both must be idempotent (draining a draining node changes nothing) and fenced by
 * the token (a conditional write on the ring item), and return the movement plan as plain data.
 */
export interface RingOperations {
  drain(ringId: string, nodeId: string, fence: FenceToken): Promise<unknown>;
  restore(ringId: string, nodeId: string, fence: FenceToken): Promise<unknown>;
}

export interface EcsDeployment {
  readonly id: string;
  /** `PRIMARY`, `ACTIVE` or `INACTIVE`. */
  readonly status: string;
  readonly createdAtMs: number;
  readonly rolloutState?: string;
}

export interface EcsServiceState {
  readonly serviceArn: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly deployments: readonly EcsDeployment[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface EcsRunbookPort {
  /**
   * Throws `RunbookTargetNotFoundError` when the service is missing or inactive. `tags` is filled only when
   * asked for (`include: ['TAGS']`, which also needs `ecs:ListTagsForResource`).
   */
  describeService(cluster: string, service: string, options?: { tags?: boolean }): Promise<EcsServiceState>;
  forceNewDeployment(cluster: string, service: string): Promise<{ deploymentId?: string }>;
  setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void>;
  tagService(serviceArn: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

export type Ec2InstanceStateName =
  | 'pending'
  | 'running'
  | 'shutting-down'
  | 'terminated'
  | 'stopping'
  | 'stopped';

export interface Ec2InstanceState {
  readonly instanceId: string;
  readonly state: Ec2InstanceStateName;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Ec2RunbookPort {
  /** Throws `RunbookTargetNotFoundError` when the instance does not exist. */
  describeInstance(instanceId: string): Promise<Ec2InstanceState>;
  rebootInstance(instanceId: string): Promise<void>;
  stopInstance(instanceId: string): Promise<void>;
  startInstance(instanceId: string): Promise<void>;
  tagInstance(instanceId: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

export interface AutoScalingInstance {
  readonly instanceId: string;
  /** e.g. `InService`, `Terminating`, `Terminating:Wait`, `Terminated`. */
  readonly lifecycleState: string;
  /** `Healthy` or `Unhealthy`. */
  readonly healthStatus: string;
}

export interface AutoScalingGroupState {
  readonly name: string;
  readonly desiredCapacity: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly instances: readonly AutoScalingInstance[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface AutoScalingRunbookPort {
  /** Throws `RunbookTargetNotFoundError` when the group does not exist. */
  describeGroup(groupName: string): Promise<AutoScalingGroupState>;
  /** Terminates the instance and lets the group launch a replacement (desired capacity unchanged). */
  terminateInstanceKeepCapacity(instanceId: string): Promise<void>;
  /** Marks the instance Unhealthy (ignoring the grace period) so the group replaces it. */
  setInstanceUnhealthy(instanceId: string): Promise<void>;
  setDesiredCapacity(groupName: string, desiredCapacity: number): Promise<void>;
  /** Tags the group itself (not propagated to instances). */
  tagGroup(groupName: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

export interface LambdaAliasState {
  readonly functionVersion: string;
  readonly description: string;
  readonly revisionId: string;
}

export interface LambdaInvokeResult {
  readonly statusCode: number;
  /** Set when the function threw (`Unhandled`) or returned an error (`Handled`). */
  readonly functionError?: string;
  readonly executedVersion?: string;
  /** The parsed JSON payload, or the raw text when it is not JSON. */
  readonly payload: unknown;
}

export interface LambdaRunbookPort {
  /** Throws `RunbookTargetNotFoundError` when the function or alias does not exist. */
  getAlias(functionName: string, alias: string): Promise<LambdaAliasState>;
  /** Published version numbers (no `$LATEST`), all pages. */
  listVersions(functionName: string): Promise<string[]>;
  /** Conditioned on `revisionId`: a concurrent change surfaces as `TransientRunbookError` (re-read, retry). */
  updateAlias(
    functionName: string,
    alias: string,
    update: { functionVersion: string; description: string; revisionId: string },
  ): Promise<void>;
  /** Synchronous invocation (RequestResponse). */
  invoke(functionName: string, qualifier: string | undefined, payload: unknown): Promise<LambdaInvokeResult>;
}

/** The ports a step may need; pass the ones your runbooks use. A missing one fails with `MissingRunbookPortError`. */
export interface RunbookPorts {
  readonly ring?: RingOperations;
  readonly ecs?: EcsRunbookPort;
  readonly ec2?: Ec2RunbookPort;
  readonly autoScaling?: AutoScalingRunbookPort;
  readonly lambda?: LambdaRunbookPort;
}
