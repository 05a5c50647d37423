export { DEFAULT_RETRY_SCHEDULE_SECONDS, retryDelayMs } from './retry-schedule';
export { classifyResponse, type ResponseClass } from './classify-response';
export { classifyChannelResponse, type ChannelVerdict } from './channel-response';
export { defaultRateLimit, type RateLimit } from './channel-pacing';
export { isDiscordGlobalRateLimit, parseRetryAfter, type ResponseHeaders } from './rate-limit';
export * from './pacing-identity';
export * from './request-destination';
