import { addressChannelBody, buildTestAlert, formatAlertPayload, resolveChannelTarget } from '@herald/core';
import { createGuardPolicies, ORG_ALLOW_LIST_NAME, type GuardPolicies } from '@herald/net-guard';
import { findOrgPrivateTargets, type Webhook } from '@herald/db';
import { buildRequestHeaders, createHttpSender, type HttpSender } from '@herald/sender';
import { HttpError } from '../http-errors';
import type { RefusalAudience } from '../validation/destination-url';
import { NETWORK_POLICY_REFUSAL } from '../validation/destination-url';
import type { ServerDeps } from '../server-deps';

const EXCERPT_BYTES = 200;

/** The first bytes of the receiver's answer as text (control characters dropped). */
function responseExcerpt(bodyText: string): string {
  const text = Buffer.from(bodyText, 'utf8').subarray(0, EXCERPT_BYTES).toString('utf8');
  return [...text].filter((char) => char === '\t' || char === '\n' || (char >= ' ' && char !== '\u007f')).join('');
}

/** The API's sender for test sends, and the SSRF guards it sends through (one per allow-list). */
export interface TestSender extends HttpSender {
  readonly guards: GuardPolicies;
}

/**
 * The API's sender for test sends: the worker's sender and SSRF guard (checked addresses only, no
 * redirects), with a small pool of its own.
 */
export function createTestSender(deps: Pick<ServerDeps, 'config'>): TestSender {
  const { allowedPrivateTargets, worker } = deps.config;
  const guards = createGuardPolicies({ connectTimeoutMs: worker.connectTimeoutMs, lookupTimeoutMs: worker.connectTimeoutMs });
  const sender = createHttpSender({
    connectTimeoutMs: worker.connectTimeoutMs,
    requestTimeoutMs: worker.requestTimeoutMs,
    // No in-flight limiter in front of test sends: parallel tests to one host share 8 sockets.
    connectionsPerOrigin: 8,
    connect: guards.forList(allowedPrivateTargets).connect,
  });
  return { ...sender, guards };
}

/**
 * Sends a sample alert to the webhook as a delivery would be sent: the same payload formatter and
 * channel address, request headers (its own, the channel's, `webhook-id` test_<ms>, a signature for
 * generic webhooks) and sender.
 */
export async function sendTestAlert(
  deps: Pick<ServerDeps, 'cipher' | 'now' | 'prisma'>,
  sender: TestSender,
  webhook: Webhook,
  audience: RefusalAudience = 'operator',
) {
  const nowMs = (deps.now ?? Date.now)();
  const target = resolveChannelTarget(webhook.type, deps.cipher.decrypt(webhook.urlEncrypted));
  const body = JSON.stringify(addressChannelBody(target, formatAlertPayload(webhook.type, buildTestAlert(nowMs))));
  const requestTarget = {
    type: webhook.type,
    signingSecrets: webhook.signingSecretEncrypted ? [deps.cipher.decrypt(webhook.signingSecretEncrypted)] : [],
    headers: webhook.headersEncrypted ? (JSON.parse(deps.cipher.decrypt(webhook.headersEncrypted)) as Record<string, string>) : {},
    target,
  };
  const headers = buildRequestHeaders(requestTarget, `test_${nowMs}`, body, nowMs);
  // An organization's webhook is judged by its organization's allow-list (read now), a system webhook by the system's.
  const networkPolicy =
    webhook.orgId === null
      ? undefined
      : sender.guards.forList(await findOrgPrivateTargets(deps.prisma, webhook.orgId), ORG_ALLOW_LIST_NAME);
  const result = await sender.send({ url: target.requestUrl, body, headers, networkPolicy });
  if (result.statusCode === undefined) {
    // A tenant learns neither the address nor how a connection failed (no port-scan oracle).
    const tenant = audience === 'tenant';
    if (result.errorClass === 'ssrf_blocked')
      throw new HttpError(422, 'destination_blocked', tenant ? NETWORK_POLICY_REFUSAL : (result.error ?? 'destination blocked'));
    throw new HttpError(
      502,
      'endpoint_unreachable',
      tenant ? 'the endpoint did not answer' : `the endpoint did not answer (${result.errorClass ?? 'network'})`,
    );
  }
  return {
    ok: result.statusCode >= 200 && result.statusCode < 300,
    status_code: result.statusCode,
    latency_ms: result.durationMs,
    response_excerpt: responseExcerpt(result.bodyText),
  };
}
