export { formatWindowLabel, toQuietHoursSetting, type QuietHoursSetting, type QuietWindow } from './setting';
export { parseQuietHoursInput, quietHoursInputSchema, type ParseQuietHoursResult, type QuietHoursInputError } from './parse-input';
export { endedWindows, isQuietAt, quietWindowContaining } from './windows';
export { decideDelivery, type DecideDeliveryInput, type DeliveryDecision, type QuietHoursScope } from './decide-delivery';
