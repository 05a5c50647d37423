export { formatWindowLabel, toQuietHoursSetting, type QuietHoursSetting, type QuietWindow } from './setting';
export { parseQuietHoursInput, quietHoursInputSchema, type ParseQuietHoursResult, type QuietHoursInputError } from './parse-input';
export { endedWindows, isQuietAt, quietWindowContaining } from './windows';
export {
  decideQuietHolds,
  holdReaches,
  type DecideHoldsInput,
  type HoldAudience,
  type QuietHold,
  type QuietHoursScope,
} from './decide-holds';
