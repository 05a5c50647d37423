import { createFernetCodec, generateFernetKey, type FernetCodec } from '@herald/crypto';
import type { PrismaClient } from '@herald/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { NoDecryptableWebhooksError, rotateKeys, UNDECRYPTABLE } from '../src/key-rotation';

const KEY_A = generateFernetKey();
const KEY_B = generateFernetKey();
const KEY_C = generateFernetKey();
const onlyA = createFernetCodec([KEY_A]);
const bThenA = createFernetCodec([KEY_B, KEY_A]);
const onlyB = createFernetCodec([KEY_B]);

let database: TestDatabase;
let prisma: PrismaClient;

beforeEach(async () => {
  database = await createTestDatabase();
  prisma = database.prisma;
});

afterEach(async () => {
  await database?.drop();
});

interface Plain {
  url: string;
  secret: string | null;
  previous: string | null;
}

async function insertWebhook(codec: FernetCodec, plain: Plain, name = 'hook') {
  return prisma.webhook.create({
    data: {
      name,
      type: plain.secret ? 'generic' : 'discord',
      urlEncrypted: codec.encrypt(plain.url),
      urlMasked: 'https://example.com/…••••',
      signingSecretEncrypted: plain.secret === null ? null : codec.encrypt(plain.secret),
      previousSigningSecretEncrypted: plain.previous === null ? null : codec.encrypt(plain.previous),
      previousSecretExpiresAt: plain.previous === null ? null : new Date(Date.now() + 3_600_000),
      encryptionKeyId: codec.primaryKeyId,
    },
  });
}

function plainOf(index: number): Plain {
  return {
    url: `https://hooks.example.com/services/${index}/secret-${index}`,
    secret: index % 2 === 0 ? `whsec_c2VjcmV0LSR7aW5kZXh9LXNpZ25pbmc${index}=` : null,
    previous: index % 4 === 0 ? `whsec_b2xkLXNlY3JldA${index}==` : null,
  };
}

async function insertMany(codec: FernetCodec, count: number): Promise<Map<string, Plain>> {
  const byId = new Map<string, Plain>();
  for (let i = 0; i < count; i += 1) {
    const plain = plainOf(i);
    const row = await insertWebhook(codec, plain, `hook ${i}`);
    byId.set(row.id, plain);
  }
  return byId;
}

const allRows = () => prisma.webhook.findMany({ orderBy: { id: 'asc' } });

describe('rotateKeys', () => {
  it('re-encrypts every URL and secret from key A to key B; afterwards key B alone decrypts everything', async () => {
    const plains = await insertMany(onlyA, 7);

    const report = await rotateKeys(database, bThenA, { batchSize: 3 });

    expect(report).toEqual({ rotated: 7, alreadyCurrent: 0, undecryptable: 0, skipped: 0, reenabled: 0 });
    for (const row of await allRows()) {
      const plain = plains.get(row.id);
      expect(row.encryptionKeyId).toBe(onlyB.primaryKeyId);
      expect(onlyB.decrypt(row.urlEncrypted)).toBe(plain?.url);
      expect(row.signingSecretEncrypted === null ? null : onlyB.decrypt(row.signingSecretEncrypted)).toBe(plain?.secret);
      expect(row.previousSigningSecretEncrypted === null ? null : onlyB.decrypt(row.previousSigningSecretEncrypted)).toBe(plain?.previous);
      expect(() => onlyA.decrypt(row.urlEncrypted)).toThrow('no configured key authenticates the token');
      expect(row.disabledReason).toBeNull();
    }
  });

  it('marks a corrupted row undecryptable, logs only its id, and rotates the others', async () => {
    const plains = await insertMany(onlyA, 4);
    const corrupted = await insertWebhook(onlyA, plainOf(9), 'corrupted');
    const corruptedToken = `${corrupted.urlEncrypted.slice(0, 40)}${corrupted.urlEncrypted.slice(40, 41) === 'A' ? 'B' : 'A'}${corrupted.urlEncrypted.slice(41)}`;
    await prisma.webhook.update({ where: { id: corrupted.id }, data: { urlEncrypted: corruptedToken } });
    const foreign = await insertWebhook(createFernetCodec([KEY_C]), plainOf(10), 'other key');
    const reported: string[] = [];

    const report = await rotateKeys(database, bThenA, { batchSize: 2, onUndecryptable: (id) => reported.push(id) });

    expect(report).toEqual({ rotated: 4, alreadyCurrent: 0, undecryptable: 2, skipped: 0, reenabled: 0 });
    expect(reported.sort()).toEqual([corrupted.id, foreign.id].sort());
    const rows = await allRows();
    for (const row of rows) {
      if (row.id === corrupted.id || row.id === foreign.id) {
        expect(row.disabledReason).toBe(UNDECRYPTABLE);
        expect(row.disabledAt).toBeInstanceOf(Date);
        expect(row.urlEncrypted).toBe(row.id === corrupted.id ? corruptedToken : foreign.urlEncrypted);
      } else {
        expect(row.disabledReason).toBeNull();
        expect(onlyB.decrypt(row.urlEncrypted)).toBe(plains.get(row.id)?.url);
      }
    }
  });

  it('is idempotent: a second run changes nothing and counts every row as current', async () => {
    await insertMany(onlyA, 5);
    const bad = await insertWebhook(createFernetCodec([KEY_C]), plainOf(11), 'other key');
    await rotateKeys(database, bThenA);
    const before = await allRows();

    const again = await rotateKeys(database, bThenA);

    expect(again).toEqual({ rotated: 0, alreadyCurrent: 5, undecryptable: 1, skipped: 0, reenabled: 0 });
    expect(await allRows()).toEqual(before);
    expect(before.find((row) => row.id === bad.id)?.disabledReason).toBe(UNDECRYPTABLE);
  });

  it('resumes after an interrupted run: rows done in the first batches are skipped, the rest rotated', async () => {
    await insertMany(onlyA, 6);
    let batches = 0;
    await expect(
      rotateKeys(database, bThenA, {
        batchSize: 2,
        onBatch: () => {
          batches += 1;
          if (batches === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect((await allRows()).filter((row) => row.encryptionKeyId === onlyB.primaryKeyId)).toHaveLength(4);

    const resumed = await rotateKeys(database, bThenA, { batchSize: 2 });

    expect(resumed).toEqual({ rotated: 2, alreadyCurrent: 4, undecryptable: 0, skipped: 0, reenabled: 0 });
  });

  it('rotates a token under an old key even when encryptionKeyId already names the primary key', async () => {
    const row = await insertWebhook(onlyA, plainOf(2));
    // e.g. the API saved a new URL with B while the secret is still under A.
    await prisma.webhook.update({
      where: { id: row.id },
      data: { urlEncrypted: onlyB.encrypt('https://new.example.com/x'), encryptionKeyId: onlyB.primaryKeyId },
    });

    expect(await rotateKeys(database, bThenA)).toMatchObject({ rotated: 1, alreadyCurrent: 0 });
    const after = await prisma.webhook.findUniqueOrThrow({ where: { id: row.id } });
    expect(onlyB.decrypt(after.urlEncrypted)).toBe('https://new.example.com/x');
    expect(onlyB.decrypt(after.signingSecretEncrypted ?? '')).toBe(plainOf(2).secret);
  });

  it('re-enables a webhook a worker had disabled as undecryptable once the keys decrypt it', async () => {
    const row = await insertWebhook(onlyA, plainOf(1));
    await prisma.webhook.update({ where: { id: row.id }, data: { disabledReason: UNDECRYPTABLE, disabledAt: new Date() } });
    const gone = await insertWebhook(onlyA, plainOf(3));
    await prisma.webhook.update({ where: { id: gone.id }, data: { disabledReason: 'gone', disabledAt: new Date() } });

    expect(await rotateKeys(database, bThenA)).toEqual({ rotated: 2, alreadyCurrent: 0, undecryptable: 0, skipped: 0, reenabled: 1 });
    expect(await prisma.webhook.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ disabledReason: null, disabledAt: null });
    expect(await prisma.webhook.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({ disabledReason: 'gone' });
  });

  it('refuses to touch anything when no webhook decrypts with the given keys (wrong key list)', async () => {
    await insertMany(onlyA, 3);
    const before = await allRows();

    await expect(rotateKeys(database, createFernetCodec([KEY_C]), { batchSize: 2 })).rejects.toThrow(NoDecryptableWebhooksError);
    expect(await allRows()).toEqual(before);
  });

  it('an edit through the API between reading and writing a row wins; the row is read again and rotated', async () => {
    const [id] = [...(await insertMany(onlyA, 1)).keys()];
    let edited = false;
    const racing = prisma.$extends({
      query: {
        webhook: {
          async updateMany({ args, query }) {
            if (!edited) {
              edited = true;
              // What PATCH /v1/webhooks/:id does, with an API process still on key A.
              await prisma.webhook.update({ where: { id }, data: { urlEncrypted: onlyA.encrypt('https://edited.example.com/x') } });
            }
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;

    expect(await rotateKeys({ prisma: racing, sql: database.sql }, bThenA)).toEqual({
      rotated: 1,
      alreadyCurrent: 0,
      undecryptable: 0,
      skipped: 0,
      reenabled: 0,
    });
    const after = await prisma.webhook.findUniqueOrThrow({ where: { id } });
    expect(onlyB.decrypt(after.urlEncrypted)).toBe('https://edited.example.com/x');
  });

  it('with no webhooks at all there is nothing to do', async () => {
    expect(await rotateKeys(database, bThenA)).toEqual({ rotated: 0, alreadyCurrent: 0, undecryptable: 0, skipped: 0, reenabled: 0 });
  });
});
