import { RunbookTargetNotFoundError, TransientRunbookError } from '../../../../lib/runbooks/errors.js';
import type { FenceContext, FenceToken } from '../../../../lib/runbooks/fence.js';
import type {
  AutoScalingRunbookPort,
  Ec2InstanceStateName,
  Ec2RunbookPort,
  EcsDeployment,
  EcsRunbookPort,
  LambdaInvokeResult,
  LambdaRunbookPort,
  RingOperations,
  RunbookPorts,
} from '../../../../lib/runbooks/ports.js';

/**
 * In-memory implementations of the runbook ports: a small simulated AWS account whose state tests can snapshot.
 * Every mutating call is appended to `mutations`, so a test can prove that dry-run or a refused fence changed
 * nothing. Behaviour follows the real services where steps depend on it (EC2 state transitions, Lambda revision
 * ids, ECS deployments).
 */
export class World {
  readonly mutations: string[] = [];
  clock = 1_764_000_000_000;
  /** Names of mutating operations that fail once with a transient error (to simulate a crash mid-step). */
  failNext = new Set<string>();

  ecsServices = new Map<
    string,
    {
      arn: string;
      desired: number;
      running: number;
      deployments: EcsDeployment[];
      tags: Record<string, string>;
    }
  >();
  instances = new Map<
    string,
    { state: Ec2InstanceStateName; tags: Record<string, string>; reboots: number }
  >();
  groups = new Map<
    string,
    {
      desiredCapacity: number;
      minSize: number;
      maxSize: number;
      instances: { instanceId: string; lifecycleState: string; healthStatus: string }[];
      tags: Record<string, string>;
    }
  >();
  functions = new Map<
    string,
    { versions: string[]; aliases: Map<string, { version: string; description: string; revision: number }> }
  >();
  handlers = new Map<string, (event: unknown) => unknown>();
  /** State that users' custom-step functions change (part of the snapshot). */
  custom: Record<string, number> = {};
  /** Lambda invocations: not mutations themselves; what the function changes shows in `custom`. */
  readonly invocations: string[] = [];
  rings = new Map<string, { nodes: Map<string, 'up' | 'draining'>; highestToken: number }>();

  private mutate(op: string): void {
    if (this.failNext.delete(op)) throw new TransientRunbookError(`${op}: simulated timeout`, 'TimeoutError');
    this.mutations.push(op);
    this.clock += 1000;
  }

  /** A JSON copy of every piece of state (for before/after comparisons). */
  snapshot(): unknown {
    const plain = (m: Map<string, unknown>) => JSON.parse(JSON.stringify([...m.entries()], replacer));
    return {
      ecs: plain(this.ecsServices),
      ec2: plain(this.instances),
      asg: plain(this.groups),
      lambda: plain(this.functions),
      rings: plain(this.rings),
      custom: { ...this.custom },
    };
  }

  /** Lets in-flight EC2 transitions finish (stopping → stopped, pending → running). */
  settle(): void {
    for (const i of this.instances.values()) {
      if (i.state === 'stopping') i.state = 'stopped';
      else if (i.state === 'pending') i.state = 'running';
    }
  }

  ports(): Required<RunbookPorts> {
    return {
      ecs: this.ecs(),
      ec2: this.ec2(),
      autoScaling: this.autoScaling(),
      lambda: this.lambda(),
      ring: this.ring(),
    };
  }

  ecs(): EcsRunbookPort {
    const svc = (cluster: string, service: string) => {
      const s = this.ecsServices.get(`${cluster}/${service}`);
      if (!s)
        throw new RunbookTargetNotFoundError(`no service ${cluster}/${service}`, 'ServiceNotFoundException');
      return s;
    };
    return {
      describeService: async (cluster, service) => {
        const s = svc(cluster, service);
        return {
          serviceArn: s.arn,
          desiredCount: s.desired,
          runningCount: s.running,
          deployments: s.deployments.map((d) => ({ ...d })),
          tags: { ...s.tags },
        };
      },
      forceNewDeployment: async (cluster, service) => {
        const s = svc(cluster, service);
        this.mutate('ecs:UpdateService(force)');
        const id = `ecs-svc/${s.deployments.length}`;
        s.deployments = [
          { id, status: 'PRIMARY', createdAtMs: this.clock },
          ...s.deployments.map((d) => ({ ...d, status: 'ACTIVE' })),
        ];
        return { deploymentId: id };
      },
      setDesiredCount: async (cluster, service, desired) => {
        const s = svc(cluster, service);
        this.mutate('ecs:UpdateService(desired)');
        s.desired = desired;
      },
      tagService: async (arn, tags) => {
        const s = [...this.ecsServices.values()].find((x) => x.arn === arn);
        if (!s) throw new RunbookTargetNotFoundError(`no service ${arn}`, 'ServiceNotFoundException');
        this.mutate('ecs:TagResource');
        Object.assign(s.tags, tags);
      },
    };
  }

  ec2(): Ec2RunbookPort {
    const get = (id: string) => {
      const i = this.instances.get(id);
      if (!i) throw new RunbookTargetNotFoundError(`no instance ${id}`, 'InvalidInstanceID.NotFound');
      return i;
    };
    return {
      describeInstance: async (id) => {
        const i = get(id);
        return { instanceId: id, state: i.state, tags: { ...i.tags } };
      },
      rebootInstance: async (id) => {
        const i = get(id);
        this.mutate('ec2:RebootInstances');
        i.reboots++;
      },
      stopInstance: async (id) => {
        const i = get(id);
        this.mutate('ec2:StopInstances');
        if (i.state === 'running' || i.state === 'pending') i.state = 'stopping';
      },
      startInstance: async (id) => {
        const i = get(id);
        this.mutate('ec2:StartInstances');
        if (i.state === 'stopped') i.state = 'pending';
      },
      tagInstance: async (id, tags) => {
        const i = get(id);
        this.mutate('ec2:CreateTags');
        Object.assign(i.tags, tags);
      },
    };
  }

  autoScaling(): AutoScalingRunbookPort {
    const group = (name: string) => {
      const g = this.groups.get(name);
      if (!g) throw new RunbookTargetNotFoundError(`no group ${name}`, 'AutoScalingGroupNotFound');
      return g;
    };
    const instance = (id: string) => {
      for (const g of this.groups.values()) {
        const i = g.instances.find((x) => x.instanceId === id);
        if (i) return i;
      }
      throw new RunbookTargetNotFoundError(`instance ${id} not in any group`, 'ValidationError');
    };
    return {
      describeGroup: async (name) => {
        const g = group(name);
        return {
          name,
          desiredCapacity: g.desiredCapacity,
          minSize: g.minSize,
          maxSize: g.maxSize,
          instances: g.instances.map((i) => ({ ...i })),
          tags: { ...g.tags },
        };
      },
      terminateInstanceKeepCapacity: async (id) => {
        const i = instance(id);
        this.mutate('autoscaling:TerminateInstanceInAutoScalingGroup');
        i.lifecycleState = 'Terminating';
      },
      setInstanceUnhealthy: async (id) => {
        const i = instance(id);
        this.mutate('autoscaling:SetInstanceHealth');
        i.healthStatus = 'Unhealthy';
      },
      setDesiredCapacity: async (name, desired) => {
        const g = group(name);
        this.mutate('autoscaling:SetDesiredCapacity');
        if (desired > g.maxSize) throw new Error('ValidationError: above MaxSize');
        g.desiredCapacity = desired;
      },
      tagGroup: async (name, tags) => {
        const g = group(name);
        this.mutate('autoscaling:CreateOrUpdateTags');
        Object.assign(g.tags, tags);
      },
    };
  }

  lambda(): LambdaRunbookPort {
    const alias = (fn: string, name: string) => {
      const a = this.functions.get(fn)?.aliases.get(name);
      if (!a) throw new RunbookTargetNotFoundError(`no alias ${fn}:${name}`, 'ResourceNotFoundException');
      return a;
    };
    return {
      getAlias: async (fn, name) => {
        const a = alias(fn, name);
        return { functionVersion: a.version, description: a.description, revisionId: `rev-${a.revision}` };
      },
      listVersions: async (fn) => [...(this.functions.get(fn)?.versions ?? [])],
      updateAlias: async (fn, name, update) => {
        const a = alias(fn, name);
        if (update.revisionId !== `rev-${a.revision}`) {
          throw new TransientRunbookError('revision changed', 'PreconditionFailedException');
        }
        this.mutate('lambda:UpdateAlias');
        a.version = update.functionVersion;
        a.description = update.description;
        a.revision++;
      },
      invoke: async (fn, qualifier, payload): Promise<LambdaInvokeResult> => {
        const handler = this.handlers.get(qualifier ? `${fn}:${qualifier}` : fn);
        if (!handler) throw new RunbookTargetNotFoundError(`no function ${fn}`, 'ResourceNotFoundException');
        this.invocations.push(qualifier ? `${fn}:${qualifier}` : fn);
        try {
          return { statusCode: 200, payload: handler(JSON.parse(JSON.stringify(payload))) };
        } catch (error) {
          const e = error as Error;
          return {
            statusCode: 200,
            functionError: 'Unhandled',
            payload: { errorType: e.name, errorMessage: e.message },
          };
        }
      },
    };
  }

  /** A ring whose writes are fenced like the real one: a token lower than one already seen is refused. */
  ring(): RingOperations {
    const change = (ringId: string, nodeId: string, fence: FenceToken, to: 'up' | 'draining') => {
      const ring = this.rings.get(ringId);
      if (!ring?.nodes.has(nodeId))
        throw new RunbookTargetNotFoundError(`no node ${ringId}/${nodeId}`, 'NodeNotFound');
      if (fence.token < ring.highestToken) {
        const error = new Error(`token ${fence.token} < ${ring.highestToken}`);
        error.name = 'LeaseLostError';
        throw error;
      }
      ring.highestToken = fence.token;
      // Same result shape as lib/ring's operations: `changed: false` when the ring already satisfied the change.
      if (ring.nodes.get(nodeId) === to) return { changed: false, plan: { moves: [] } };
      this.mutate(to === 'draining' ? 'ring:Drain' : 'ring:Restore');
      ring.nodes.set(nodeId, to);
      return {
        changed: true,
        plan: { moves: [{ from: nodeId, ranges: 3 }] },
        version: this.mutations.length,
      };
    };
    return {
      drain: async (ringId, nodeId, fence) => change(ringId, nodeId, fence, 'draining'),
      restore: async (ringId, nodeId, fence) => change(ringId, nodeId, fence, 'up'),
    };
  }
}

function replacer(_key: string, value: unknown) {
  return value instanceof Map ? [...value.entries()] : value;
}

/** A fence the test can revoke; it throws `LeaseLostError` as the lease module does. Counts its checks. */
export function testFence(resource = 'res-1', token = 5): FenceContext & { lost: boolean; checks: number } {
  const fence = {
    resource,
    token,
    lost: false,
    checks: 0,
    async assertFence() {
      fence.checks++;
      if (fence.lost) {
        const error = new Error(`lease on ${resource} lost`);
        error.name = 'LeaseLostError';
        throw error;
      }
    },
  };
  return fence;
}
