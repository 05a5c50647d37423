import { createHash } from 'node:crypto';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { ClientBase, Pool } from 'pg';

/** One database session: statements run in order on the same connection. */
export interface SqlSession {
  /** One statement with `$1`-style parameters; returns the rows. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements without parameters. */
  exec(script: string): Promise<void>;
}

/** What the migrator needs from a backend: a session that can also run a transaction. */
export interface SqlExecutor extends SqlSession {
  /** Runs `work` in one transaction on this session: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
}

/** A node-postgres connection (a `pg.Client`, or a client checked out of a pool) as an executor. */
export function pgExecutor(client: ClientBase): SqlExecutor {
  const session: SqlSession = {
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, [...params]);
      return result.rows as Row[];
    },
    async exec(script) {
      await client.query(script);
    },
  };
  return {
    ...session,
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work(session);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
  };
}

/**
 * A node-postgres pool as an executor: each query takes any free connection, a transaction holds
 * one for its duration. The hot path uses this directly, without an ORM's per-query cost.
 *
 * Queries run as named prepared statements, so PostgreSQL parses and plans each statement once
 * per connection rather than on every batch. Callers pass constant SQL text (values go in
 * `params`), which keeps the set of names bounded.
 */
export function poolExecutor(pool: Pool): SqlExecutor {
  const names = new Map<string, string>();
  const statementName = (sql: string) => {
    let name = names.get(sql);
    if (name === undefined) {
      name = `herald_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      names.set(sql, name);
    }
    return name;
  };
  return {
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query({ name: statementName(sql), text: sql, values: [...params] });
      return result.rows as Row[];
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        return await pgExecutor(client).transaction(work);
      } finally {
        client.release();
      }
    },
  };
}

function pgliteSession(db: PGlite | PGliteTransaction): SqlSession {
  return {
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, [...params]);
      return result.rows;
    },
    async exec(script) {
      await db.exec(script);
    },
  };
}

/** An embedded PGlite database as an executor; its transactions hold PGlite's lock, so other queries wait. */
export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    ...pgliteSession(db),
    transaction: (work) => db.transaction((tx) => work(pgliteSession(tx))),
  };
}
