export type { AlarmDeliveryShape, AlarmStateChange, AlarmStateValue } from './alarm-state-change.js';
export { AlarmError, type AlarmIssue, MalformedAlarmEventError } from './errors.js';
export { parseAlarmDelivery } from './parse-alarm-delivery.js';
export { regionCodeFromDisplayName } from './regions.js';
export { type AlarmMetricRef, resourceIdFor, summarizeMetrics } from './resource-id.js';
export * from './schemas.js';
export { parseAlarmTimestamp } from './timestamps.js';
export { carriesWatchTag, parseWatchTag, type WatchTag, WatchTagConfigError } from './watch-tag.js';
