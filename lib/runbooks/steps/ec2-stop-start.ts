import { z } from 'zod';
import { ec2InstanceArn } from '../arns.js';
import { RunbookStepFailedError } from '../errors.js';
import { TAG_STOP_START } from '../markers.js';
import type { ActionRecord, StepDefinition } from '../step.js';
import { act, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'ec2.stopStart';

export const ec2StopStartParams = z.strictObject({ instanceId: templatable() });
export type Ec2StopStartParams = z.infer<typeof ec2StopStartParams>;

export interface Ec2StopStartDetail {
  readonly instanceId: string;
  readonly observedState: string;
  /** What happens next: `stopping`, `starting`, or `running` when the cycle is done. */
  readonly phase: 'stopping' | 'starting' | 'running';
}

/**
 * Stops and starts an EBS-backed instance (it usually lands on a different host). Multi-phase: each call moves
 * the cycle one phase on and returns `complete: false` until the instance runs again, so the workflow calls it
 * in a Wait loop (stopping takes minutes; no Lambda should wait that long). Dry-run records the whole cycle and
 * returns complete. No undo.
 *
 * @example
 * let r = await runStep({ kind: 'ec2.stopStart', params: { instanceId: 'i-0abc' } }, ctx, { ec2 });
 * // while (!r.complete) { wait 15 s; r = await runStep(same step, same ctx.stepKey) }
 */
export const ec2StopStartStep: StepDefinition<typeof KIND, Ec2StopStartParams, Ec2StopStartDetail> = {
  kind: KIND,
  description: 'EC2 StopInstances, wait, StartInstances (multi-phase: re-invoke until complete).',
  idempotency:
    'Driven by the observed instance state plus a faultline:stop-start=<stepKey> tag written with the stop: running+tagged means done, stopping/pending means wait, stopped means start, running+untagged means stop. Any call can be repeated.',
  params: ec2StopStartParams,
  iam: (params, env) => [
    {
      actions: ['ec2:CreateTags', 'ec2:StartInstances', 'ec2:StopInstances'],
      resources: [ec2InstanceArn(env, params.instanceId)],
    },
    {
      actions: ['ec2:DescribeInstances'],
      resources: ['*'],
      reason: 'ec2:DescribeInstances supports no resource-level permissions (read-only).',
    },
  ],
  async run(params, ctx, ports) {
    const ec2 = requirePort(ports, 'ec2', KIND);
    const { instanceId } = params;
    const instance = await ec2.describeInstance(instanceId);
    const tagged = instance.tags[TAG_STOP_START] === ctx.stepKey;
    const observedState = instance.state;
    const target = `ec2:instance/${instanceId}`;
    const actions: ActionRecord[] = [];
    const tag = () =>
      act(ctx, actions, { api: 'ec2:CreateTags', target, params: { [TAG_STOP_START]: ctx.stepKey } }, () =>
        ec2.tagInstance(instanceId, { [TAG_STOP_START]: ctx.stepKey }),
      );
    const start = () =>
      act(ctx, actions, { api: 'ec2:StartInstances', target, params: {} }, () =>
        ec2.startInstance(instanceId),
      );
    switch (instance.state) {
      case 'running':
        if (tagged) {
          return result(KIND, ctx, {
            outcome: 'already-applied',
            detail: { instanceId, observedState, phase: 'running' },
          });
        }
        await act(ctx, actions, { api: 'ec2:StopInstances', target, params: {} }, () =>
          ec2.stopInstance(instanceId),
        );
        await tag();
        if (ctx.dryRun) {
          await start();
          return result(KIND, ctx, {
            outcome: 'would-apply',
            actions,
            detail: { instanceId, observedState, phase: 'running' },
          });
        }
        return result(KIND, ctx, {
          outcome: 'in-progress',
          complete: false,
          actions,
          detail: { instanceId, observedState, phase: 'stopping' },
        });
      case 'stopping':
      case 'pending':
        return result(KIND, ctx, {
          outcome: 'in-progress',
          complete: ctx.dryRun,
          detail: {
            instanceId,
            observedState,
            phase: instance.state === 'stopping' ? 'stopping' : 'starting',
          },
        });
      case 'stopped':
        // Tag first when the stop was not ours (or its tag was lost): a later call then knows the cycle is ours.
        if (!tagged) await tag();
        await start();
        return result(KIND, ctx, {
          outcome: ctx.dryRun ? 'would-apply' : 'in-progress',
          complete: ctx.dryRun,
          actions,
          detail: { instanceId, observedState, phase: ctx.dryRun ? 'running' : 'starting' },
        });
      default:
        throw new RunbookStepFailedError(
          `Instance ${instanceId} is ${instance.state}: cannot stop/start`,
          'InstanceTerminated',
        );
    }
  },
};
