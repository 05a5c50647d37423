import fs from 'node:fs';
import path from 'node:path';
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as SchemaEngineRuntime from '@prisma/schema-engine-wasm/schema_engine_bg' with { 'resolution-mode': 'import' };

export type SchemaEngine = SchemaEngineRuntime.SchemaEngine;
export type { DiffTarget, MigrationList, SchemaContainer } from '@prisma/schema-engine-wasm/schema_engine_bg' with {
  'resolution-mode': 'import',
};

// Node has WebAssembly, but this project's type libraries (ES2023, no DOM) do not declare it.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

let runtime: Promise<typeof SchemaEngineRuntime> | undefined;
let lastPanic: string | undefined;

/**
 * Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`, a dev dependency):
 * the same diffing code as `prisma migrate diff`, without the native binary this machine cannot download.
 * Loaded the way the Prisma CLI loads it: the wasm-bindgen glue module is instantiated against the .wasm
 * by hand, once per process (the glue keeps global state; a second instance breaks it).
 */
async function loadRuntime(): Promise<typeof SchemaEngineRuntime> {
  // The glue reports Rust panics to this global before the wasm traps (the Prisma CLI installs the same).
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message) => {
      lastPanic = message;
    },
  };
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmModule = new WebAssembly.Module(fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(wasmModule, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/** Runs an engine call, turning a wasm trap after a Rust panic into an error that carries the panic message. */
export async function runEngineCommand<T>(command: () => Promise<T>): Promise<T> {
  lastPanic = undefined;
  try {
    return await command();
  } catch (error) {
    if (lastPanic !== undefined) throw new Error(`Prisma schema engine panicked: ${lastPanic}`, { cause: error });
    throw error;
  }
}

/**
 * Starts a schema engine that reaches databases through `adapter` (the database it describes,
 * and the shadow databases it replays migration histories on).
 */
export async function openSchemaEngine(
  adapter: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  schemaFiles: SchemaEngineRuntime.SchemaContainer[],
  debug: (line: string) => void = () => undefined,
): Promise<SchemaEngine> {
  runtime ??= loadRuntime();
  const { SchemaEngine } = await runtime;
  // The engine panics on an empty list: it takes `undefined` or at least one file.
  const datamodels = schemaFiles.length > 0 ? schemaFiles.map((file): [string, string] => [file.path, file.content]) : undefined;
  return runEngineCommand(() => SchemaEngine.new({ datamodels }, debug, adapter));
}
