/** Base class of every error raised by the template miner. */
export class TemplateMinerError extends Error {
  override name = 'TemplateMinerError';
}

/** A persisted miner state failed validation (wrong version, corrupt, or edited by hand). */
export class InvalidMinerStateError extends TemplateMinerError {
  override name = 'InvalidMinerStateError';
}

/** A log format such as `<Date> <Time> <Level>: <Content>` could not be compiled. */
export class InvalidLogFormatError extends TemplateMinerError {
  override name = 'InvalidLogFormatError';
}
