export {
  autoScalingGroupArn,
  cloudWatchAlarmArn,
  ec2InstanceArn,
  ecsServiceArn,
  lambdaFunctionArn,
} from './arns.js';
export { defaultRunbookRules } from './default-rules.js';
export {
  InvalidRunbookRulesError,
  InvalidStepParamsError,
  MissingRunbookPortError,
  RunbookError,
  RunbookFenceLostError,
  RunbookStepFailedError,
  RunbookTargetNotFoundError,
  TransientRunbookError,
  UndoNotSupportedError,
} from './errors.js';
export { type FenceContext, type FenceToken, fenceFromCheck } from './fence.js';
export { globMatch } from './glob.js';
export { iamStatementsFor, mergeStatements, verificationIamStatements } from './iam.js';
export { type RunbookStepInput, runbookStepInputSchema } from './invocation.js';
export { TAG_REBOOT, TAG_SCALE_OUT, TAG_STOP_START } from './markers.js';
export { type PlanIncident, type PlannedRunbook, type PlanSuspect, planFor, topSuspect } from './plan.js';
export type {
  AutoScalingGroupState,
  AutoScalingInstance,
  AutoScalingRunbookPort,
  Ec2InstanceState,
  Ec2InstanceStateName,
  Ec2RunbookPort,
  EcsDeployment,
  EcsRunbookPort,
  EcsServiceState,
  LambdaAliasState,
  LambdaInvokeResult,
  LambdaRunbookPort,
  RingOperations,
  RunbookPorts,
} from './ports.js';
export {
  hasUndo,
  isStepKind,
  type RunbookStepSpec,
  runStep,
  type StepKind,
  type StepParams,
  stepKinds,
  stepRegistry,
  undoStep,
} from './registry.js';
export {
  parseRunbookRules,
  type RunbookRule,
  type RunbookRules,
  type RunbookRulesInput,
  runbookRulesSchema,
} from './rules.js';
export type {
  ActionRecord,
  ArnEnv,
  IamStatement,
  StepContext,
  StepDefinition,
  StepOutcome,
  StepResult,
} from './step.js';
export type { AutoScalingReplaceInstanceDetail } from './steps/autoscaling-replace-instance.js';
export type { Ec2InstanceDetail } from './steps/ec2-reboot.js';
export type { Ec2StopStartDetail } from './steps/ec2-stop-start.js';
export type { EcsForceDeploymentDetail } from './steps/ecs-force-deployment.js';
export type { LambdaAliasDetail } from './steps/lambda-alias-rollback.js';
export type { CustomStepEvent, LambdaInvokeDetail } from './steps/lambda-invoke.js';
export type { RingDrainDetail } from './steps/ring-drain.js';
export type { ScaleOutDetail } from './steps/scale-out-core.js';
export { resolveTemplate, type TemplateScope, templateProblems } from './template.js';
export {
  type AlarmCheck,
  type AlarmStateValue,
  type ComparisonOperator,
  evaluateRecovery,
  isBreaching,
  type MetricCheck,
  type MetricCheckSpec,
  type MetricPoint,
  metricCheckSpecSchema,
} from './verification.js';
