import { z } from 'zod';
import { ec2InstanceArn } from '../arns.js';
import { RunbookStepFailedError, TransientRunbookError } from '../errors.js';
import { TAG_REBOOT } from '../markers.js';
import type { ActionRecord, StepDefinition } from '../step.js';
import { act, changed, result } from '../step.js';
import { templatable } from '../template.js';
import { requirePort } from './require-port.js';

const KIND = 'ec2.reboot';

export const ec2RebootParams = z.strictObject({ instanceId: templatable() });
export type Ec2RebootParams = z.infer<typeof ec2RebootParams>;

export interface Ec2InstanceDetail {
  readonly instanceId: string;
  /** The instance state the step observed before acting. */
  readonly observedState: string;
}

/**
 * Reboots an EC2 instance. No undo.
 *
 * @example
 * await runStep({ kind: 'ec2.reboot', params: { instanceId: 'i-0abc' } }, ctx, { ec2 });
 */
export const ec2RebootStep: StepDefinition<typeof KIND, Ec2RebootParams, Ec2InstanceDetail> = {
  kind: KIND,
  description: 'EC2 RebootInstances on one running instance.',
  idempotency:
    'After rebooting, the step tags the instance faultline:reboot=<stepKey>; a re-run that finds its own tag does nothing. A crash between the reboot and the tag repeats the reboot once (at least once, never silently skipped), which is harmless for a reboot.',
  params: ec2RebootParams,
  iam: (params, env) => [
    {
      actions: ['ec2:CreateTags', 'ec2:RebootInstances'],
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
    const instance = await ec2.describeInstance(params.instanceId);
    const detail = { instanceId: params.instanceId, observedState: instance.state };
    if (instance.tags[TAG_REBOOT] === ctx.stepKey)
      return result(KIND, ctx, { outcome: 'already-applied', detail });
    if (instance.state === 'pending') {
      throw new TransientRunbookError(
        `Instance ${params.instanceId} is still starting; retry`,
        'InstancePending',
      );
    }
    if (instance.state !== 'running') {
      throw new RunbookStepFailedError(
        `Instance ${params.instanceId} is ${instance.state}, not running: cannot reboot`,
        'InstanceNotRunning',
      );
    }
    const actions: ActionRecord[] = [];
    const target = `ec2:instance/${params.instanceId}`;
    await act(ctx, actions, { api: 'ec2:RebootInstances', target, params: {} }, () =>
      ec2.rebootInstance(params.instanceId),
    );
    await act(ctx, actions, { api: 'ec2:CreateTags', target, params: { [TAG_REBOOT]: ctx.stepKey } }, () =>
      ec2.tagInstance(params.instanceId, { [TAG_REBOOT]: ctx.stepKey }),
    );
    return result(KIND, ctx, { outcome: changed(ctx), actions, detail });
  },
};
