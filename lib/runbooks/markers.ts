/**
 * Markers let a re-run recognise its own earlier work: a step writes its stepKey into the target (a tag, the
 * alias description) together with what it changed. Tag values are limited to letters, digits, spaces and
 * `_.:/=+-@` across EC2, ECS and Auto Scaling, hence this plain format.
 */
export const TAG_REBOOT = 'faultline:reboot';
export const TAG_STOP_START = 'faultline:stop-start';
export const TAG_SCALE_OUT = 'faultline:scale-out';

export const STEP_KEY_PATTERN = /^[A-Za-z0-9_.:/=+@-]{1,128}$/;

export interface ScaleOutMarker {
  readonly stepKey: string;
  readonly from: number;
  readonly to: number;
  readonly undone: boolean;
}

export function formatScaleOutMarker(marker: ScaleOutMarker): string {
  return `${marker.undone ? 'undone ' : ''}${marker.stepKey} from=${marker.from} to=${marker.to}`;
}

export function parseScaleOutMarker(value: string | undefined): ScaleOutMarker | undefined {
  const match = value?.match(/^(undone )?(\S+) from=(\d+) to=(\d+)$/);
  if (!match) return undefined;
  const [, undone, stepKey = '', from = '0', to = '0'] = match;
  return { stepKey, from: Number(from), to: Number(to), undone: undone !== undefined };
}

export interface AliasMarker {
  readonly direction: 'rollback' | 'rollforward';
  readonly stepKey: string;
  readonly from: string;
  readonly to: string;
}

export function formatAliasMarker(marker: AliasMarker): string {
  return `faultline ${marker.direction} ${marker.stepKey} ${marker.from}->${marker.to}`;
}

export function parseAliasMarker(description: string): AliasMarker | undefined {
  const match = description.match(/^faultline (rollback|rollforward) (\S+) (\d+)->(\d+)$/);
  if (!match) return undefined;
  const [, direction, stepKey = '', from = '', to = ''] = match;
  return { direction: direction === 'rollback' ? 'rollback' : 'rollforward', stepKey, from, to };
}
