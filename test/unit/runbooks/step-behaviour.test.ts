import { describe, expect, it } from 'vitest';
import { fenceFromCheck } from '../../../lib/runbooks/fence.js';
import { runStep, undoStep } from '../../../lib/runbooks/registry.js';
import { previousVersion } from '../../../lib/runbooks/steps/lambda-alias-rollback.js';
import { testFence, World } from './support/in-memory-ports.js';
import { context } from './support/step-checkers.js';

function ecsWorld(desired = 3) {
  const world = new World();
  world.ecsServices.set('prod/orders', {
    arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders',
    desired,
    running: desired,
    deployments: [{ id: 'ecs-svc/0', status: 'PRIMARY', createdAtMs: 1_700_000_000_000 }],
    tags: {},
  });
  return world;
}

describe('ecs.scaleOut / autoscaling.scaleOut', () => {
  const step = { kind: 'ecs.scaleOut', params: { cluster: 'prod', service: 'orders', by: 2, max: 10 } };

  it('re-applies the recorded absolute target after a crash between the marker and the count', async () => {
    const world = ecsWorld(3);
    world.failNext.add('ecs:UpdateService(desired)');
    await expect(runStep(step, context(), world.ports())).rejects.toMatchObject({
      name: 'TransientRunbookError',
    });
    expect(world.ecsServices.get('prod/orders')?.tags['faultline:scale-out']).toBe('exec-1:0:0 from=3 to=5');
    const retry = await runStep(step, context(), world.ports());
    expect(retry).toMatchObject({ outcome: 'applied', undo: { from: 3, to: 5 } });
    expect(world.ecsServices.get('prod/orders')?.desired).toBe(5);
  });

  it('is bounded by max and reports nothing-to-do at the bound', async () => {
    const world = ecsWorld(9);
    const first = await runStep(step, context(), world.ports());
    expect(first.detail).toEqual({ from: 9, to: 10 });
    const other = await runStep(step, context(testFence(), { stepKey: 'exec-2:0:0' }), world.ports());
    expect(other).toMatchObject({ outcome: 'nothing-to-do', undo: null });
    expect(world.ecsServices.get('prod/orders')?.desired).toBe(10);
  });

  it('is bounded by the group MaxSize for Auto Scaling', async () => {
    const world = new World();
    world.groups.set('web', { desiredCapacity: 3, minSize: 1, maxSize: 4, instances: [], tags: {} });
    const r = await runStep(
      { kind: 'autoscaling.scaleOut', params: { autoScalingGroupName: 'web', by: 5, max: 50 } },
      context(),
      world.ports(),
    );
    expect(r.detail).toEqual({ from: 3, to: 4 });
    expect(world.groups.get('web')?.desiredCapacity).toBe(4);
  });

  it('records the marker and the count as dry-run actions', async () => {
    const world = ecsWorld(3);
    const r = await runStep(step, context(testFence(), { dryRun: true }), world.ports());
    expect(r.actions).toEqual([
      {
        api: 'ecs:TagResource',
        target: 'ecs:service/prod/orders',
        params: { 'faultline:scale-out': 'exec-1:0:0 from=3 to=5' },
        performed: false,
      },
      {
        api: 'ecs:UpdateService',
        target: 'ecs:service/prod/orders',
        params: { desired: 5 },
        performed: false,
      },
    ]);
  });

  it('leaves a count someone else changed alone on undo', async () => {
    const world = ecsWorld(3);
    const r = await runStep(step, context(), world.ports());
    const svc = world.ecsServices.get('prod/orders');
    if (svc) svc.desired = 8;
    const undo = await undoStep(step, r.undo, context(), world.ports());
    expect(undo.outcome).toBe('nothing-to-do');
    expect(svc?.desired).toBe(8);
  });
});

describe('ecs.forceNewDeployment', () => {
  it('treats a primary deployment created since the step started as already applied', async () => {
    const world = ecsWorld();
    const svc = world.ecsServices.get('prod/orders');
    if (svc) svc.deployments = [{ id: 'ecs-svc/9', status: 'PRIMARY', createdAtMs: 1_764_000_000_500 }];
    const r = await runStep(
      { kind: 'ecs.forceNewDeployment', params: { cluster: 'prod', service: 'orders' } },
      context(),
      world.ports(),
    );
    expect(r).toMatchObject({ outcome: 'already-applied', detail: { deploymentId: 'ecs-svc/9' } });
    expect(world.mutations).toEqual([]);
  });
});

describe('ec2 steps', () => {
  const reboot = { kind: 'ec2.reboot', params: { instanceId: 'i-0abc' } };

  it('retries a pending instance and fails a stopped one', async () => {
    const world = new World();
    world.instances.set('i-0abc', { state: 'pending', tags: {}, reboots: 0 });
    await expect(runStep(reboot, context(), world.ports())).rejects.toMatchObject({
      name: 'TransientRunbookError',
      code: 'InstancePending',
    });
    world.instances.set('i-0abc', { state: 'stopped', tags: {}, reboots: 0 });
    await expect(runStep(reboot, context(), world.ports())).rejects.toMatchObject({
      name: 'RunbookStepFailedError',
      code: 'InstanceNotRunning',
    });
    expect(world.mutations).toEqual([]);
  });

  it('reboots at least once: a crash before the marker repeats the reboot rather than skipping it', async () => {
    const world = new World();
    world.instances.set('i-0abc', { state: 'running', tags: {}, reboots: 0 });
    world.failNext.add('ec2:CreateTags');
    await expect(runStep(reboot, context(), world.ports())).rejects.toMatchObject({
      name: 'TransientRunbookError',
    });
    await runStep(reboot, context(), world.ports());
    expect(world.instances.get('i-0abc')?.reboots).toBe(2);
    await runStep(reboot, context(), world.ports());
    expect(world.instances.get('i-0abc')?.reboots).toBe(2);
  });

  it('walks stop/start through its phases, one call per phase', async () => {
    const world = new World();
    world.instances.set('i-0abc', { state: 'running', tags: {}, reboots: 0 });
    const step = { kind: 'ec2.stopStart', params: { instanceId: 'i-0abc' } };
    const phases: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runStep(step, context(), world.ports());
      phases.push(`${r.outcome}:${(r.detail as { phase: string }).phase}:${r.complete}`);
      if (r.complete) break;
      world.settle();
    }
    expect(phases).toEqual([
      'in-progress:stopping:false',
      'in-progress:starting:false',
      'already-applied:running:true',
    ]);
    expect(world.mutations).toEqual(['ec2:StopInstances', 'ec2:CreateTags', 'ec2:StartInstances']);
  });

  it('waits while the instance is still stopping', async () => {
    const world = new World();
    world.instances.set('i-0abc', { state: 'running', tags: {}, reboots: 0 });
    const step = { kind: 'ec2.stopStart', params: { instanceId: 'i-0abc' } };
    await runStep(step, context(), world.ports());
    const waiting = await runStep(step, context(), world.ports());
    expect(waiting).toMatchObject({ outcome: 'in-progress', complete: false, actions: [] });
  });

  it('refuses a terminated instance', async () => {
    const world = new World();
    world.instances.set('i-0abc', { state: 'terminated', tags: {}, reboots: 0 });
    await expect(
      runStep({ kind: 'ec2.stopStart', params: { instanceId: 'i-0abc' } }, context(), world.ports()),
    ).rejects.toMatchObject({ name: 'RunbookStepFailedError', code: 'InstanceTerminated' });
  });
});

describe('autoscaling.replaceInstance', () => {
  it('reports an instance that left the group as already applied', async () => {
    const world = new World();
    world.groups.set('web', { desiredCapacity: 1, minSize: 1, maxSize: 2, instances: [], tags: {} });
    const r = await runStep(
      { kind: 'autoscaling.replaceInstance', params: { autoScalingGroupName: 'web', instanceId: 'i-9' } },
      context(),
      world.ports(),
    );
    expect(r).toMatchObject({ outcome: 'already-applied', detail: { inGroup: false, mode: 'terminate' } });
  });
});

describe('lambda.rollbackAlias', () => {
  function lambdaWorld(versions = ['1', '2', '9', '10'], current = '10') {
    const world = new World();
    world.functions.set('orders', {
      versions,
      aliases: new Map([['live', { version: current, description: '', revision: 1 }]]),
    });
    return world;
  }
  const step = { kind: 'lambda.rollbackAlias', params: { functionName: 'orders', alias: 'live' } };

  it('picks the previous version numerically and marks the alias', async () => {
    const world = lambdaWorld();
    const r = await runStep(step, context(), world.ports());
    expect(r.detail).toMatchObject({ fromVersion: '10', toVersion: '9' });
    expect(world.functions.get('orders')?.aliases.get('live')).toMatchObject({
      version: '9',
      description: 'faultline rollback exec-1:0:0 10->9',
    });
    expect(previousVersion(['1', '10', '2', '9', 'x'], '10')).toBe('9');
    expect(previousVersion(['3'], '$LATEST')).toBeUndefined();
  });

  it('honours toVersion and fails when there is nothing earlier', async () => {
    const world = lambdaWorld();
    await runStep({ ...step, params: { ...step.params, toVersion: '2' } }, context(), world.ports());
    expect(world.functions.get('orders')?.aliases.get('live')?.version).toBe('2');
    await expect(runStep(step, context(), lambdaWorld(['1'], '1').ports())).rejects.toMatchObject({
      name: 'RunbookStepFailedError',
      code: 'NoPreviousVersion',
    });
  });

  it('turns a concurrent alias change into a retryable error without writing', async () => {
    const world = lambdaWorld();
    const ports = world.ports();
    const racing = {
      ...ports,
      lambda: {
        ...ports.lambda,
        getAlias: async (fn: string, alias: string) => {
          const seen = await ports.lambda.getAlias(fn, alias);
          const a = world.functions.get(fn)?.aliases.get(alias);
          if (a) a.revision++; // someone else updates the alias right after our read
          return seen;
        },
      },
    };
    await expect(runStep(step, context(), racing)).rejects.toMatchObject({ name: 'TransientRunbookError' });
    expect(world.mutations).toEqual([]);
  });

  it('does not roll forward an alias that moved since the rollback', async () => {
    const world = lambdaWorld();
    const r = await runStep(step, context(), world.ports());
    const a = world.functions.get('orders')?.aliases.get('live');
    if (a) a.version = '2';
    const undo = await undoStep(step, r.undo, context(), world.ports());
    expect(undo.outcome).toBe('nothing-to-do');
    expect(a?.version).toBe('2');
  });
});

describe('lambda.invoke', () => {
  it('sends the step envelope and maps function errors to typed errors', async () => {
    const world = new World();
    const events: unknown[] = [];
    world.handlers.set('custom', (event) => {
      events.push(event);
      return { done: true };
    });
    const r = await runStep(
      { kind: 'lambda.invoke', params: { functionName: 'custom', payload: { node: 'n-1' } } },
      context(testFence('svc/orders', 12)),
      world.ports(),
    );
    expect(events).toEqual([
      {
        faultline: { action: 'run', stepKey: 'exec-1:0:0', fence: { resource: 'svc/orders', token: 12 } },
        params: { node: 'n-1' },
      },
    ]);
    expect(r).toMatchObject({ outcome: 'applied', undo: null, detail: { response: { done: true } } });

    world.handlers.set('failing', () => {
      throw Object.assign(new Error('disk full'), { name: 'DiskFull' });
    });
    await expect(
      runStep({ kind: 'lambda.invoke', params: { functionName: 'failing' } }, context(), world.ports()),
    ).rejects.toMatchObject({ name: 'RunbookStepFailedError', code: 'DiskFull' });
    world.handlers.set('busy', () => {
      throw Object.assign(new Error('try later'), { name: 'TransientRunbookError' });
    });
    await expect(
      runStep({ kind: 'lambda.invoke', params: { functionName: 'busy' } }, context(), world.ports()),
    ).rejects.toMatchObject({ name: 'TransientRunbookError' });
  });
});

describe('ring.drain', () => {
  it('passes the token to the ring, whose fenced write refuses a stale one', async () => {
    const world = new World();
    world.rings.set('fleet', { nodes: new Map([['n-1', 'up']]), highestToken: 9 });
    await expect(
      runStep(
        { kind: 'ring.drain', params: { ringId: 'fleet', nodeId: 'n-1' } },
        context(testFence('r', 5)),
        world.ports(),
      ),
    ).rejects.toMatchObject({ name: 'LeaseLostError' });
    expect(world.rings.get('fleet')?.nodes.get('n-1')).toBe('up');
    const r = await runStep(
      { kind: 'ring.drain', params: { ringId: 'fleet', nodeId: 'n-1' } },
      context(testFence('r', 9)),
      world.ports(),
    );
    expect(r).toMatchObject({
      outcome: 'applied',
      detail: { movementPlan: { changed: true, plan: { moves: [{ from: 'n-1', ranges: 3 }] } } },
    });
  });
});

describe('runStep / undoStep validation', () => {
  const world = new World();
  it('rejects unknown kinds, bad params, unresolved templates and bad step keys', async () => {
    await expect(runStep({ kind: 'ec2.explode', params: {} }, context(), {})).rejects.toMatchObject({
      name: 'InvalidStepParamsError',
    });
    await expect(
      runStep({ kind: 'ecs.scaleOut', params: { cluster: 'a', service: 'b', by: 0, max: 1 } }, context(), {}),
    ).rejects.toMatchObject({ name: 'InvalidStepParamsError', issues: [expect.stringContaining('by')] });
    await expect(
      runStep({ kind: 'ec2.reboot', params: { instanceId: '{{suspect}}' } }, context(), {}),
    ).rejects.toMatchObject({
      name: 'InvalidStepParamsError',
      message: expect.stringContaining('Unresolved templates'),
    });
    await expect(
      runStep(
        { kind: 'ec2.reboot', params: { instanceId: 'i-1' } },
        context(testFence(), { stepKey: 'has space' }),
        {},
      ),
    ).rejects.toMatchObject({ name: 'InvalidStepParamsError' });
  });

  it('names the missing port', async () => {
    await expect(
      runStep({ kind: 'ec2.reboot', params: { instanceId: 'i-1' } }, context(), {}),
    ).rejects.toMatchObject({
      name: 'MissingRunbookPortError',
      message: expect.stringContaining('"ec2"'),
    });
  });

  it('refuses to undo a step without undo, and treats null undo data as nothing to do', async () => {
    await expect(
      undoStep({ kind: 'ec2.reboot', params: { instanceId: 'i-1' } }, {}, context(), world.ports()),
    ).rejects.toMatchObject({ name: 'UndoNotSupportedError' });
    const r = await undoStep(
      { kind: 'ecs.scaleOut', params: { cluster: 'a', service: 'b', by: 1, max: 2 } },
      null,
      context(),
      world.ports(),
    );
    expect(r.outcome).toBe('nothing-to-do');
  });
});

describe('fenceFromCheck', () => {
  it('throws RunbookFenceLostError when the check says the token is stale', async () => {
    let current = 4;
    const fence = fenceFromCheck('svc/orders', 4, async (_r, token) => token === current);
    await expect(fence.assertFence()).resolves.toBeUndefined();
    current = 5;
    await expect(fence.assertFence()).rejects.toMatchObject({ name: 'RunbookFenceLostError' });
  });
});
