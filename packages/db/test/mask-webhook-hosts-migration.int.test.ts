import { readMigrationFiles } from '../src/migration-files';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/**
 * Masks saved before masking kept only the last two host labels, and what the migration makes of
 * them: the same as maskWebhookUrl gives for the URL now (packages/core/test/webhook-urls.test.ts).
 */
const STORED: [before: string, after: string][] = [
  ['https://eo1a2b3c4d5e6f7g8h.m.pipedream.net/…/••••abcd', 'https://…pipedream.net/…/••••abcd'],
  ['https://hooks.slack.com/…/••••abcd', 'https://…slack.com/…/••••abcd'],
  ['http://hooks.example.com:8443/…/••••6789', 'http://…example.com:8443/…/••••6789'],
  ['https://a.b.example.com./…/••••0123', 'https://…example.com/…/••••0123'],
  ['https://discord.com/…/••••wxyz', 'https://discord.com/…/••••wxyz'],
  ['http://192.168.10.20:8080/…/••••0123', 'http://192.168.10.20:8080/…/••••0123'],
  ['https://[2001:db8::1]:8443/…/••••0123', 'https://[2001:db8::1]:8443/…/••••0123'],
  ['https://…pipedream.net/…/••••abcd', 'https://…pipedream.net/…/••••abcd'],
  ['••••', '••••'],
];

test('the mask_webhook_hosts migration re-masks saved hosts down to their last two labels, IP addresses whole', async () => {
  const migration = (await readMigrationFiles()).find((file) => file.name.endsWith('_mask_webhook_hosts'));
  expect(migration).toBeDefined();
  const ids = new Map<string, string>();
  for (const [before] of STORED) {
    const row = await database.prisma.webhook.create({ data: { name: 'old', urlEncrypted: 'x', urlMasked: before, type: 'generic' } });
    ids.set(row.id, before);
  }

  await database.sql.exec(migration?.sql ?? '');
  // Applying it again changes nothing.
  await database.sql.exec(migration?.sql ?? '');

  const rows = await database.prisma.webhook.findMany({ select: { id: true, urlMasked: true } });
  const after = new Map(rows.map((row) => [ids.get(row.id), row.urlMasked]));
  expect(STORED.map(([before]) => [before, after.get(before)])).toEqual(STORED);
});
