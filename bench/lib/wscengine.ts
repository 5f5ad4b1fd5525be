import { pathToFileURL } from 'node:url';

// The benchmark measures the built package (dist/esm), which is what users run. It is
// loaded at run time through minimal structural types, not imported from src/, so the
// bench type-checks and runs whatever parts of the library exist yet, and a kind whose
// code is missing is reported as unavailable instead of breaking the whole run.

export const TEXT = 1;
export const BINARY = 2;

export interface MessageLike {
  type: number;
  data: string | Uint8Array;
}

export interface AdapterLike {
  dial(target: URL): Promise<unknown>;
  close(code: number, reason?: string): Promise<void>;
  read(): Promise<MessageLike>;
  write(type: 1 | 2, data: string | Uint8Array): Promise<void>;
}

export interface EngineClientLike {
  onOpen?(args: { restarting: boolean; conn: AdapterLike }): void | Promise<void>;
  onMessage(args: { message: MessageLike; conn: AdapterLike }): void | Promise<void>;
  onReadError?(args: { error: unknown }): void;
  onRestartError?(args: { error: unknown; retryCount: number }): void;
  onClose?(args: { closeMessage?: { code: number; reason: string } }): void;
}

export interface EngineOptionsLike {
  url: string;
  adapter: AdapterLike;
  client: EngineClientLike;
  readers?: number;
  autoReconnect?: boolean;
  reconnect?: Record<string, number>;
  keepalive?: { intervalMs: number; timeoutMs: number };
  requests?: { idOf(message: MessageLike): string | undefined; timeoutMs?: number };
}

export interface EngineLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Absent in builds before `send` and `request` (see {@link Library.EngineSend}). */
  send?(data: string | Uint8Array, options?: { signal?: AbortSignal }): Promise<void>;
  request?(data: string | Uint8Array, options: { id: string; timeoutMs?: number }): Promise<MessageLike>;
}

export interface Library {
  WsAdapter?: new (options?: object) => AdapterLike;
  WebSocketEngine?: new (options: EngineOptionsLike) => EngineLike;
  /** Set when the built engine has `send()` and `request()`. */
  EngineSend?: true;
}

/** Where the built ESM output lives; the parent passes it so every child agrees. */
export function distDir(): string {
  return process.env.WSCENGINE_DIST ?? `${process.cwd()}/dist/esm`;
}

async function tryImport(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(pathToFileURL(`${distDir()}/${file}`).href)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Loads what exists of the built library. */
export async function loadLibrary(): Promise<Library> {
  const adapters = await tryImport('adapters/ws/index.js');
  const root = await tryImport('index.js');
  const engine = root?.WebSocketEngine ? root : await tryImport('engine/index.js');
  const Engine = engine?.WebSocketEngine as Library['WebSocketEngine'];
  const proto = Engine?.prototype as EngineLike | undefined;
  return {
    WsAdapter: adapters?.WsAdapter as Library['WsAdapter'],
    WebSocketEngine: Engine,
    ...(typeof proto?.send === 'function' && typeof proto.request === 'function'
      ? { EngineSend: true as const }
      : {}),
  };
}

/** Kinds of client the benchmark knows, and what each needs from the library. */
export const KIND_NEEDS: Record<string, (keyof Library)[]> = {
  ws: [],
  adapter: ['WsAdapter'],
  'engine-r1': ['WsAdapter', 'WebSocketEngine'],
  'engine-r4': ['WsAdapter', 'WebSocketEngine'],
};

export const KIND_LABELS: Record<string, string> = {
  ws: 'raw ws',
  adapter: 'WsAdapter await read()',
  'engine-r1': 'engine readers:1',
  'engine-r4': 'engine readers:4',
};
