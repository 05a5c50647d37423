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

export interface PoolExecutorOptions {
  /** Named prepared statements (default true). Off for poolers that do not track them (PgBouncer < 1.21 in transaction mode). */
  namedStatements?: boolean;
  /** Told once when named statements were refused and the executor switched them off. */
  onWarning?: (message: string) => void;
}

/** The setting that turns named statements off; named in the warning so an operator knows what to set. */
export const PREPARED_STATEMENTS_SETTING = 'HERALD_DATABASE_PREPARED_STATEMENTS';

/**
 * What PostgreSQL answers when a named statement met a connection it was not prepared on, or one that already
 * has it: a pooler in transaction mode hands each transaction whichever server connection is free.
 * Both are raised at Parse/Bind, before the statement runs, so running it again unnamed is safe.
 */
function isPooledStatementError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === '42P05' || code === '26000') && typeof message === 'string' && message.includes('"herald_');
}

/**
 * A node-postgres pool as an executor: each query takes any free connection, a transaction holds
 * one for its duration. The hot path uses this directly, without an ORM's per-query cost.
 *
 * Queries run as named prepared statements, so PostgreSQL parses and plans each statement once
 * per connection rather than on every batch. Callers pass constant SQL text (values go in
 * `params`), which keeps the set of names bounded. Behind a pooler that breaks them, the first
 * refusal switches them off for this process (with a warning naming the setting) and the query is retried unnamed.
 */
export function poolExecutor(pool: Pool, options: PoolExecutorOptions = {}): SqlExecutor {
  let named = options.namedStatements ?? true;
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
      if (!named) return (await pool.query(sql, [...params])).rows as Row[];
      try {
        const result = await pool.query({ name: statementName(sql), text: sql, values: [...params] });
        return result.rows as Row[];
      } catch (error) {
        if (!isPooledStatementError(error)) throw error;
        if (named) {
          named = false;
          options.onWarning?.(
            'PostgreSQL refused a named prepared statement: a connection pooler in transaction mode (PgBouncer before 1.21, ' +
              `or without max_prepared_statements) is between Herald and PostgreSQL. Named statements are now off; set ` +
              `${PREPARED_STATEMENTS_SETTING}=false to start that way.`,
          );
        }
        return (await pool.query(sql, [...params])).rows as Row[];
      }
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
