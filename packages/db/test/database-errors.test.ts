import { isDatabaseUnavailable } from '../src/database-errors';

describe('isDatabaseUnavailable: every "not now" error is an outage, a wrong query is not', () => {
  test.each([
    ['too many clients (pg)', { code: '53300', message: 'sorry, too many clients already' }],
    ['reserved slots (message only)', new Error('remaining connection slots are reserved for non-replication superuser connections')],
    ['admin shutdown', { code: '57P01' }],
    ['cannot connect now', { code: '57P03' }],
    ['serialization failure', { code: '40001' }],
    ['deadlock', { code: '40P01' }],
    ['lock timeout', { code: '55P03' }],
    ['statement timeout', { code: '57014' }],
    ['disk full', { code: '53100' }],
    ['connection refused', { code: 'ECONNREFUSED' }],
    ['Prisma adapter, too many connections', { name: 'DriverAdapterError', cause: { kind: 'TooManyConnections' } }],
    ['Prisma adapter, write conflict', { name: 'DriverAdapterError', cause: { kind: 'TransactionWriteConflict' } }],
    ['Prisma pool timeout', { code: 'P2024' }],
    ['nested in a cause', new Error('outer', { cause: { code: '53300' } })],
  ])('%s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test.each([
    ['unique violation', { code: '23505' }],
    ['syntax error', { code: '42601' }],
    ['undefined column', { code: '42703' }],
    ['plain error', new Error('something else')],
    ['not an error', 'text'],
    ['null', null],
  ])('%s is not', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
