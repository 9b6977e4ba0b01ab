import { describe, expect, it } from 'vitest';
import type { RunbookPorts } from '../../../lib/runbooks/ports.js';
import { hasUndo, runStep, type StepKind, stepKinds, undoStep } from '../../../lib/runbooks/registry.js';
import type { StepContext } from '../../../lib/runbooks/step.js';
import type { World } from './support/in-memory-ports.js';
import {
  checkDryRun,
  checkFenceRefusal,
  checkIdempotent,
  checkUndo,
  type Runner,
  type Scenario,
} from './support/step-checkers.js';

const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders';

function withEcs(world: World) {
  world.ecsServices.set('prod/orders', {
    arn: SERVICE_ARN,
    desired: 3,
    running: 3,
    deployments: [{ id: 'ecs-svc/0', status: 'PRIMARY', createdAtMs: 1_700_000_000_000 }],
    tags: {},
  });
}
function withInstance(world: World, state: 'running' | 'stopped' = 'running') {
  world.instances.set('i-0abc', { state, tags: {}, reboots: 0 });
}
function withGroup(world: World) {
  world.groups.set('web', {
    desiredCapacity: 2,
    minSize: 1,
    maxSize: 4,
    instances: [
      { instanceId: 'i-1', lifecycleState: 'InService', healthStatus: 'Healthy' },
      { instanceId: 'i-2', lifecycleState: 'InService', healthStatus: 'Healthy' },
    ],
    tags: {},
  });
}
function withAlias(world: World) {
  world.functions.set('orders', {
    versions: ['1', '2', '9', '10'],
    aliases: new Map([['live', { version: '10', description: 'prod traffic', revision: 1 }]]),
  });
}
function withRing(world: World) {
  world.rings.set('fleet', {
    nodes: new Map([
      ['node-1', 'up'],
      ['node-2', 'up'],
    ]),
    highestToken: 0,
  });
}
function withCustom(world: World) {
  const done = new Set<string>();
  const state = world.custom;
  state.flushed = 0;
  state.restored = 0;
  // A well-behaved custom step: idempotent by the stepKey Faultline passes.
  world.handlers.set('flush-cache', (event) => {
    const e = event as { faultline: { stepKey: string; action: string } };
    if (!done.has(`run:${e.faultline.stepKey}`)) state.flushed = (state.flushed ?? 0) + 1;
    done.add(`run:${e.faultline.stepKey}`);
    return { ok: true };
  });
  world.handlers.set('unflush-cache', (event) => {
    const e = event as { faultline: { stepKey: string } };
    if (!done.has(`undo:${e.faultline.stepKey}`)) state.restored = (state.restored ?? 0) + 1;
    done.add(`undo:${e.faultline.stepKey}`);
    return { ok: true };
  });
}

interface Case {
  readonly kind: StepKind;
  readonly params: Record<string, unknown>;
  readonly scenario: Scenario;
}

const cases: Case[] = [
  {
    kind: 'ring.drain',
    params: { ringId: 'fleet', nodeId: 'node-2' },
    scenario: {
      name: 'ring',
      setup: withRing,
      observe: (w) => [...(w.rings.get('fleet')?.nodes ?? [])],
    },
  },
  {
    kind: 'ecs.forceNewDeployment',
    params: { cluster: 'prod', service: 'orders' },
    scenario: {
      name: 'ecs',
      setup: withEcs,
      observe: (w) => w.ecsServices.get('prod/orders')?.deployments.length,
    },
  },
  {
    kind: 'ecs.scaleOut',
    params: { cluster: 'prod', service: 'orders', by: 2, max: 10 },
    scenario: { name: 'ecs', setup: withEcs, observe: (w) => w.ecsServices.get('prod/orders')?.desired },
  },
  {
    kind: 'ec2.reboot',
    params: { instanceId: 'i-0abc' },
    scenario: {
      name: 'ec2',
      setup: (w) => withInstance(w),
      observe: (w) => w.instances.get('i-0abc')?.reboots,
    },
  },
  {
    kind: 'ec2.stopStart',
    params: { instanceId: 'i-0abc' },
    scenario: {
      name: 'ec2',
      setup: (w) => withInstance(w),
      observe: (w) => w.instances.get('i-0abc')?.state,
    },
  },
  {
    kind: 'autoscaling.replaceInstance',
    params: { autoScalingGroupName: 'web', instanceId: 'i-1' },
    scenario: { name: 'asg', setup: withGroup, observe: (w) => w.groups.get('web')?.instances[0] },
  },
  {
    kind: 'autoscaling.replaceInstance',
    params: { autoScalingGroupName: 'web', instanceId: 'i-1', mode: 'set-unhealthy' },
    scenario: { name: 'asg-unhealthy', setup: withGroup, observe: (w) => w.groups.get('web')?.instances[0] },
  },
  {
    kind: 'autoscaling.scaleOut',
    params: { autoScalingGroupName: 'web', by: 1, max: 10 },
    scenario: { name: 'asg', setup: withGroup, observe: (w) => w.groups.get('web')?.desiredCapacity },
  },
  {
    kind: 'lambda.rollbackAlias',
    params: { functionName: 'orders', alias: 'live' },
    scenario: {
      name: 'lambda',
      setup: withAlias,
      observe: (w) => w.functions.get('orders')?.aliases.get('live')?.version,
    },
  },
  {
    kind: 'lambda.invoke',
    params: {
      functionName: 'flush-cache',
      payload: { node: 'node-2' },
      undo: { functionName: 'unflush-cache' },
    },
    scenario: {
      name: 'custom',
      setup: withCustom,
      observe: (w) => (w.custom.flushed ?? 0) - (w.custom.restored ?? 0),
      opaqueOutcome: true,
    },
  },
];

const runnerFor = (c: Case): Runner => ({
  run: (ctx, ports) => runStep({ kind: c.kind, params: c.params }, ctx, ports),
  undo: (undo, ctx, ports) => undoStep({ kind: c.kind, params: c.params }, undo, ctx, ports),
});

describe('runbook steps (every kind)', () => {
  it('covers every registered step kind', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(stepKinds));
  });

  for (const c of cases) {
    const label = `${c.kind} (${c.scenario.name})`;
    it(`${label}: dry-run records actions and changes nothing`, async () => {
      expect(await checkDryRun(runnerFor(c), c.scenario)).toEqual([]);
    });
    it(`${label}: refuses with no side effect when the fence is lost`, async () => {
      expect(await checkFenceRefusal(runnerFor(c), c.scenario)).toEqual([]);
    });
    it(`${label}: re-running an applied step changes nothing`, async () => {
      expect(await checkIdempotent(runnerFor(c), c.scenario)).toEqual([]);
    });
    if (hasUndo(c.kind)) {
      it(`${label}: undo restores, and undoing twice is safe`, async () => {
        expect(await checkUndo(runnerFor(c), c.scenario)).toEqual([]);
      });
    }
  }
});

describe('step checkers (negative controls)', () => {
  const scenario = cases.find((c) => c.kind === 'ecs.scaleOut')?.scenario as Scenario;
  // Deliberately broken scale-outs: each misses one promise and must be caught by the checker for it.
  const naive = (opts: { fence: boolean; honourDryRun: boolean }): Runner => ({
    async run(ctx: StepContext, ports: RunbookPorts) {
      const ecs = ports.ecs;
      if (!ecs) throw new Error('no ecs');
      const state = await ecs.describeService('prod', 'orders');
      if (opts.fence) await ctx.fence.assertFence();
      if (!ctx.dryRun || !opts.honourDryRun)
        await ecs.setDesiredCount('prod', 'orders', state.desiredCount + 2);
      return {
        kind: 'ecs.scaleOut',
        stepKey: ctx.stepKey,
        dryRun: ctx.dryRun,
        outcome: ctx.dryRun ? 'would-apply' : 'applied',
        complete: true,
        actions: [{ api: 'ecs:UpdateService', target: 'x', params: {}, performed: !ctx.dryRun }],
        undo: null,
        detail: {},
        fenceToken: ctx.fence.token,
      };
    },
  });

  it('catches a step that adds again on every re-run', async () => {
    expect(await checkIdempotent(naive({ fence: true, honourDryRun: true }), scenario)).not.toEqual([]);
  });
  it('catches a step that acts without asserting the fence', async () => {
    expect(await checkFenceRefusal(naive({ fence: false, honourDryRun: true }), scenario)).not.toEqual([]);
  });
  it('catches a step that acts in dry-run', async () => {
    expect(await checkDryRun(naive({ fence: true, honourDryRun: false }), scenario)).not.toEqual([]);
  });
  it('catches an undo that does not restore', async () => {
    const runner = runnerFor(cases.find((c) => c.kind === 'ecs.scaleOut') as Case);
    const broken: Runner = { run: runner.run, undo: async (_u, ctx, ports) => runner.run(ctx, ports) };
    expect(await checkUndo(broken, scenario)).not.toEqual([]);
  });
});
