import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import {
  checkDestination,
  createGuardedAgent,
  createGuardedConnector,
  createGuardPolicies,
  ORG_ALLOW_LIST_NAME,
  SSRF_BLOCKED_CODE,
  type GuardedConnectorOptions,
  type HostResolver,
} from '../src';

interface Seen {
  host: string | undefined;
  path: string | undefined;
  servername: string | false | null | undefined;
}

interface LocalServer {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server, seen: Seen[]): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handler(seen: Seen[]): http.RequestListener {
  return (req, res) => {
    seen.push({ host: req.headers.host, path: req.url, servername: (req.socket as TLSSocket).servername });
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  };
}

const startHttpServer = () => {
  const seen: Seen[] = [];
  return listen(http.createServer(handler(seen)), seen);
};

/** A self-signed certificate for `name`, made with the openssl CLI. */
function selfSignedCertificate(name: string): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-net-guard-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function resolverFrom(table: Record<string, string[]>): HostResolver & jest.Mock {
  return jest.fn(async (hostname: string) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  });
}

const agents: Agent[] = [];
function guardedAgent(options: GuardedConnectorOptions): Agent {
  const agent = new Agent({ connect: createGuardedConnector(options) });
  agents.push(agent);
  return agent;
}

async function post(url: string, dispatcher: Agent): Promise<{ status: number } | { error: Error & { code?: string } }> {
  try {
    const response = await request(url, { method: 'POST', body: '{}', dispatcher, signal: AbortSignal.timeout(5_000) });
    await response.body.dump();
    return { status: response.statusCode };
  } catch (error) {
    return { error: error as Error & { code?: string } };
  }
}

let server: LocalServer;

beforeAll(async () => {
  server = await startHttpServer();
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  await server.close();
});

describe('guarded undici connector', () => {
  it('refuses to connect to a name resolving to 127.0.0.1, with a coded error that names no URL', async () => {
    const agent = guardedAgent({ allowedPrivateTargets: [], resolve: resolverFrom({ 'evil.example.com': ['127.0.0.1'] }) });
    const result = await post(`https://evil.example.com:${server.port}/secret-path-token`, agent);
    expect(result).toEqual({ error: expect.objectContaining({ code: SSRF_BLOCKED_CODE }) });
    if (!('error' in result)) return;
    expect(result.error.message).toContain('loopback (127.0.0.0/8)');
    expect(result.error.message).not.toMatch(/evil|secret-path-token/);
    expect(server.seen).toHaveLength(0);
  });

  it.each([
    'http://0x7f.1:PORT/x',
    'http://2130706433:PORT/x',
    'http://017700000001:PORT/x',
    'http://[::ffff:127.0.0.1]:PORT/x',
    'http://[::ffff:7f00:1]:PORT/x',
    'http://127.0.0.1:PORT/x',
  ])('refuses %s when nothing is allowed', async (url) => {
    const agent = guardedAgent({ allowedPrivateTargets: [] });
    const result = await post(url.replace('PORT', String(server.port)), agent);
    expect(result).toEqual({ error: expect.objectContaining({ code: SSRF_BLOCKED_CODE }) });
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a low port other than 80/443 before connecting', async () => {
    const resolve = resolverFrom({ 'hooks.example.com': ['93.184.215.14'] });
    const agent = guardedAgent({ allowedPrivateTargets: [], resolve });
    const result = await post('https://hooks.example.com:25/x', agent);
    expect(result).toEqual({ error: expect.objectContaining({ code: SSRF_BLOCKED_CODE, message: expect.stringContaining('port 25') }) });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('blocks a rebinding name: public when the webhook is saved, 127.0.0.1 when it is sent', async () => {
    let lookups = 0;
    const rebinding: HostResolver = async () => [{ address: (lookups += 1) === 1 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    const saved = await checkDestination(`https://rebind.example.com:${server.port}/hook`, {
      allowedPrivateTargets: [],
      resolve: rebinding,
    });
    expect(saved).toMatchObject({ ok: true, addresses: ['93.184.215.14'] });

    const agent = guardedAgent({ allowedPrivateTargets: [], resolve: rebinding });
    const sent = await post(`https://rebind.example.com:${server.port}/hook`, agent);
    expect(sent).toEqual({ error: expect.objectContaining({ code: SSRF_BLOCKED_CODE, message: expect.stringContaining('loopback') }) });
    expect(lookups).toBe(2);
    expect(server.seen).toHaveLength(0);
  });

  it('connects to the address it checked, without a second lookup', async () => {
    // hooks.lan exists only in this resolver: had the socket been opened by name, the system
    // resolver would have been asked and failed. One lookup, one connection to its answer.
    const resolve = resolverFrom({ 'hooks.lan': ['127.0.0.1'] });
    const agent = guardedAgent({ allowedPrivateTargets: ['hooks.lan'], resolve });
    const result = await post(`http://hooks.lan:${server.port}/checked`, agent);
    expect(result).toEqual({ status: 204 });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(server.seen.at(-1)).toMatchObject({ path: '/checked', host: `hooks.lan:${server.port}` });
  });

  it('lets an allowed private target through, with the URL host name as Host header', async () => {
    const agent = guardedAgent({
      allowedPrivateTargets: ['receiver.herald.test'],
      resolve: resolverFrom({ 'receiver.herald.test': ['127.0.0.1'] }),
    });
    const result = await post(`http://receiver.herald.test:${server.port}/allowed`, agent);
    expect(result).toEqual({ status: 204 });
    expect(server.seen.at(-1)).toEqual({ host: `receiver.herald.test:${server.port}`, path: '/allowed', servername: undefined });
  });

  it('lets an allowed CIDR through for IP literals in odd notations', async () => {
    const agent = guardedAgent({ allowedPrivateTargets: ['127.0.0.0/8'] });
    for (const host of ['0x7f.1', '2130706433', '[::ffff:7f00:1]']) {
      const result = await post(`http://${host}:${server.port}/literal`, agent);
      expect(result).toEqual({ status: 204 });
    }
  });

  it('tries the next checked address when one refuses the connection', async () => {
    // The server listens on 127.0.0.1 only, so 127.0.0.2 on the same port refuses.
    const onlyRefusing = guardedAgent({ allowedPrivateTargets: ['two.lan'], resolve: resolverFrom({ 'two.lan': ['127.0.0.2'] }) });
    expect(await post(`http://two.lan:${server.port}/x`, onlyRefusing)).toEqual({
      error: expect.objectContaining({ code: 'ECONNREFUSED' }),
    });

    const agent = guardedAgent({ allowedPrivateTargets: ['two.lan'], resolve: resolverFrom({ 'two.lan': ['127.0.0.2', '127.0.0.1'] }) });
    expect(await post(`http://two.lan:${server.port}/second`, agent)).toEqual({ status: 204 });
    expect(server.seen.at(-1)).toMatchObject({ path: '/second', host: `two.lan:${server.port}` });
  });

  it('a name that does not resolve fails as a DNS error (retryable), not as blocked', async () => {
    const agent = guardedAgent({ allowedPrivateTargets: [], resolve: resolverFrom({}) });
    const result = await post('https://nowhere.invalid/x', agent);
    expect(result).toEqual({ error: expect.objectContaining({ code: 'ENOTFOUND', message: 'host name does not resolve' }) });
  });
});

describe('createGuardedAgent', () => {
  it('is an Agent that applies the guard to every request made with it', async () => {
    const agent = createGuardedAgent({ allowedPrivateTargets: ['127.0.0.0/8'] });
    agents.push(agent);
    expect(await post(`http://127.0.0.1:${server.port}/agent`, agent)).toEqual({ status: 204 });
    expect(await post(`https://10.0.0.1:${server.port}/agent`, agent)).toEqual({
      error: expect.objectContaining({ code: SSRF_BLOCKED_CODE, message: expect.stringContaining('private (10.0.0.0/8)') }),
    });
  });
});

describe('guarded connector over TLS', () => {
  let tlsServer: LocalServer;
  let ca: string;

  beforeAll(async () => {
    const { key, cert } = selfSignedCertificate('hooks.herald.test');
    ca = cert;
    const seen: Seen[] = [];
    tlsServer = await listen(https.createServer({ key, cert }, handler(seen)), seen);
  });

  afterAll(async () => {
    await tlsServer?.close();
  });

  it('connects to the checked address with SNI and certificate check against the host name', async () => {
    const agent = guardedAgent({
      allowedPrivateTargets: ['127.0.0.0/8'],
      resolve: resolverFrom({ 'hooks.herald.test': ['127.0.0.1'] }),
      connectOptions: { ca },
    });
    const result = await post(`https://hooks.herald.test:${tlsServer.port}/tls`, agent);
    expect(result).toEqual({ status: 204 });
    expect(tlsServer.seen.at(-1)).toEqual({ host: `hooks.herald.test:${tlsServer.port}`, path: '/tls', servername: 'hooks.herald.test' });
  });

  it('a certificate for another name is still rejected', async () => {
    const agent = guardedAgent({
      allowedPrivateTargets: ['127.0.0.0/8'],
      resolve: resolverFrom({ 'other.herald.test': ['127.0.0.1'] }),
      connectOptions: { ca },
    });
    const result = await post(`https://other.herald.test:${tlsServer.port}/tls`, agent);
    expect(result).toEqual({ error: expect.objectContaining({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }) });
  });
});

describe('createGuardPolicies (one guard per allow-list: the system list and each organization list)', () => {
  const policies = createGuardPolicies({});
  const agentFor = (policy: { connect: ReturnType<typeof createGuardedConnector> }) => {
    const agent = new Agent({ connect: policy.connect });
    agents.push(agent);
    return agent;
  };

  it('the same list gets the same guard and id; another list, or the same entries under another name, another', () => {
    const a = policies.forList(['127.0.0.0/8']);
    expect(policies.forList(['127.0.0.0/8'])).toBe(a);
    expect(policies.forList(['127.0.0.1']).id).not.toBe(a.id);
    expect(policies.forList(['127.0.0.0/8'], ORG_ALLOW_LIST_NAME).id).not.toBe(a.id);
    expect(a.id).not.toContain('127');
  });

  it('each guard applies its own list, and its refusals name the list they apply', async () => {
    const url = `http://127.0.0.1:${server.port}/scoped`;
    expect(await post(url, agentFor(policies.forList(['127.0.0.1'], ORG_ALLOW_LIST_NAME)))).toEqual({ status: 204 });
    const refused = await post(url.replace('http:', 'https:'), agentFor(policies.forList([], ORG_ALLOW_LIST_NAME)));
    expect(refused).toEqual({ error: expect.objectContaining({ code: SSRF_BLOCKED_CODE }) });
    expect('error' in refused && refused.error.message).toContain("unless listed in the organization's allowed_private_targets");
  });

  it('a list with an entry that does not parse is applied as an empty list (fail closed)', async () => {
    const broken = policies.forList(['127.0.0.0/8', '10.0.0.0/33'], ORG_ALLOW_LIST_NAME);
    const result = await post(`https://127.0.0.1:${server.port}/x`, agentFor(broken));
    expect(result).toEqual({ error: expect.objectContaining({ code: SSRF_BLOCKED_CODE }) });
  });
});
