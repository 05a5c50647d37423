export { parseIpLiteral, parseIpv4Loose, formatIp, unmapIpv4, type IpAddress } from './ip-address';
export { blockedRangeOf, embeddedIpv4, type BlockedCategory, type BlockedRange } from './address-ranges';
export {
  parseAllowList,
  allowListOf,
  normaliseHost,
  AllowListEntryError,
  ORG_ALLOW_LIST_NAME,
  SYSTEM_ALLOW_LIST_NAME,
  type AllowList,
} from './allow-list';
export { systemResolver, resolveWithin, UnresolvableHostError, type HostResolver, type ResolvedAddress } from './resolver';
export {
  checkDestination,
  checkDestinationSyntax,
  checkResolvedAddresses,
  checkTarget,
  type DestinationPolicy,
  type DestinationRejection,
  type DestinationVerdict,
  type RejectionCode,
  type TargetParts,
  type TargetVerdict,
} from './destination';
export {
  createGuardedAgent,
  createGuardedConnector,
  createGuardPolicies,
  type GuardedConnectorOptions,
  type GuardPolicies,
  type GuardPolicy,
} from './guarded-connector';
export { SSRF_BLOCKED_CODE, SsrfBlockedError, isSsrfBlockedError } from './ssrf-error';
export * from './http-input';
