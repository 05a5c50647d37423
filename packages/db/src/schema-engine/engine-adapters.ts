import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

interface ResultWithFields {
  fields?: { dataTypeID: number }[];
}

function charColumnsAsText<T>(result: T): T {
  for (const part of Array.isArray(result) ? result : [result]) {
    for (const field of (part as ResultWithFields | null)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

type QueryCallback = (error: Error | null, result: unknown) => void;

/**
 * The engine describes a database through catalog queries returning columns of Postgres's
 * one-byte `"char"` type (pg_class.relkind, pg_constraint.contype ...), which @prisma/adapter-pg
 * rejects as an unsupported column type. Reporting them as text lets the engine read them.
 */
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as QueryCallback;
      args[callbackAt] = ((error, result) => callback(error, error ? result : charColumnsAsText(result))) satisfies QueryCallback;
    }
    const config = args[0] as { callback?: QueryCallback } | undefined;
    if (callbackAt < 0 && typeof config?.callback === 'function') {
      const callback = config.callback;
      config.callback = (error, result) => callback(error, error ? result : charColumnsAsText(result));
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    if (returned instanceof Promise) return returned.then(charColumnsAsText) as never;
    return returned as never;
  }
}

/** The schema engine's view of a live PostgreSQL database (and of shadow databases created next to it). */
export function postgresEngineAdapter(connectionString: string): ErrorCapturingSqlMigrationAwareDriverAdapterFactory {
  return bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString, max: 2, Client: CharAsTextClient }));
}

/**
 * An empty in-memory PGlite for the engine; its shadow databases are in-memory PGlites too,
 * so replaying the migration history needs no server and no CREATE DATABASE rights.
 */
export function inMemoryEngineAdapter(): ErrorCapturingSqlMigrationAwareDriverAdapterFactory {
  return bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(new PGlite()));
}
