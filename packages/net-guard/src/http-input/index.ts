export { jsonDepthExceeds } from './json-depth';
export { DEFAULT_MAX_JSON_DEPTH, JsonTooDeepError, registerJsonBodyParser, type JsonBodyParserOptions } from './json-body-parser';
export { RateLimitedError, registerApiRateLimit, takeRateLimitToken, type ApiRateLimitOptions, type RateLimitDecision } from './rate-limit';
