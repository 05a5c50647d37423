import type { Harness } from './herald-harness';

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The test receivers' addresses. HERALD_ALLOWED_PRIVATE_TARGETS (the harness sets it) covers system
 * webhooks only: an organization reaches them once an admin grants it, as createOrg does.
 */
export const LOOPBACK = ['127.0.0.0/8'];

/** Creates an organization as the admin, granting it the loopback receivers unless `allowedPrivateTargets` says otherwise. */
export async function createOrg(
  herald: Harness,
  name: string,
  enterprise = true,
  allowedPrivateTargets: string[] = LOOPBACK,
): Promise<number> {
  const response = await herald.request('POST', '/v1/orgs', { name, enterprise, allowed_private_targets: allowedPrivateTargets });
  if (response.status !== 201) throw new Error(`creating org ${name}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id as number;
}

export async function createToken(
  herald: Harness,
  body: { name: string; role: string; org_id?: number | null },
): Promise<{ id: string; secret: string }> {
  const response = await herald.request('POST', '/v1/tokens', body);
  if (response.status !== 201) throw new Error(`creating token ${body.name}: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.id, secret: response.body.secret };
}

export async function createWebhook(herald: Harness, base: string, body: Record<string, unknown>): Promise<{ id: string; url: string }> {
  const response = await herald.request('POST', base, body);
  if (response.status !== 201) throw new Error(`creating webhook under ${base}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function postAlert(herald: Harness, body: Record<string, unknown>, token?: string): Promise<string> {
  const response = await herald.request(
    'POST',
    '/v1/alerts',
    { title: 'Test alert', message: 'Something happened', type: 'print_failed', ...body },
    token,
  );
  if (response.status !== 202) throw new Error(`posting alert: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id as string;
}

/** The alert's deliveries once they all reached one of `statuses`. */
export async function deliveriesOnceSettled(
  herald: Harness,
  alertId: string,
  statuses = ['delivered', 'failed', 'dead', 'cancelled'],
): Promise<any[]> {
  return eventually(`deliveries of alert ${alertId} to settle`, async () => {
    const response = await herald.request('GET', `/v1/alerts/${alertId}`);
    const deliveries = (response.body?.deliveries ?? []) as { status: string }[];
    return deliveries.length > 0 && deliveries.every((d) => statuses.includes(d.status)) ? deliveries : undefined;
  });
}

export async function deliveryWithStatus(herald: Harness, deliveryId: string, statuses: string[], timeoutMs?: number): Promise<any> {
  return eventually(
    `delivery ${deliveryId} to be ${statuses.join('|')}`,
    async () => {
      const response = await herald.request('GET', `/v1/deliveries/${deliveryId}`);
      return statuses.includes(response.body?.status) ? response.body : undefined;
    },
    timeoutMs,
  );
}

/** The alert (GET /v1/alerts/:id) once it is no longer waiting on a delivery. */
export async function alertOnceSettled(herald: Harness, alertId: string): Promise<any> {
  return eventually(`alert ${alertId} to settle`, async () => {
    const { body } = await herald.request('GET', `/v1/alerts/${alertId}`);
    return body.status === 'dispatched' || body.status === 'queued' ? undefined : body;
  });
}
