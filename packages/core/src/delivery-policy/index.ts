export { DEFAULT_RETRY_SCHEDULE_SECONDS, retryDelayMs } from './retry-schedule';
export { classifyResponse, type ResponseClass } from './classify-response';
export { isDiscordGlobalRateLimit, parseRetryAfter, type ResponseHeaders } from './rate-limit';
