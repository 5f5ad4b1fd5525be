// What a user sees when they get something wrong: every error of the library is one of its
// classes with a stable `code`, never a bare TypeError from inside, and its message says
// how to fix the call. Issue "What every client builds by hand" (options/errors part).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WsAdapter } from '../src/adapters/ws/index.js';
import {
  EngineStartError,
  ErrorCode,
  InvalidArgumentError,
  InvalidOptionsError,
  validateWebSocketUrl,
  WebSocketEngine,
} from '../src/index.js';
import { WebSocketConnectionAdapterMock } from '../src/testing/mock-adapter.js';
import { freePort } from './adapters/ws/helpers.js';
import { secretsIn } from './core/leak-check.js';
import { expectError, thrown } from './support/expect-error.js';

const base = {
  url: 'ws://127.0.0.1:1/',
  adapter: new WebSocketConnectionAdapterMock(),
  client: { onMessage() {} },
};

// Wiring pending in src/engine/engine.ts: checkCallOptions(options, 'start' / 'stop').

describe('errors: bad options', () => {
  it('a misspelt option: InvalidOptionsError ERR_INVALID_OPTIONS naming the option meant', () => {
    const error = thrown(() => new WebSocketEngine({ ...base, reconect: { maxRetries: 1 } } as never));
    expectError(
      error,
      InvalidOptionsError,
      ErrorCode.InvalidOptions,
      /unknown option `reconect`: did you mean `reconnect`\?/,
    );
  });

  it('a misspelt callback: InvalidOptionsError naming the callback meant', () => {
    const error = thrown(
      () => new WebSocketEngine({ ...base, client: { onMessage() {}, onclose() {} } } as never),
    );
    expectError(
      error,
      InvalidOptionsError,
      ErrorCode.InvalidOptions,
      /`client\.onclose`: did you mean `client\.onClose`\?/,
    );
  });

  it('a static http:// url: InvalidOptionsError in the constructor, saying to use ws://', () => {
    const error = thrown(() => new WebSocketEngine({ ...base, url: 'http://example.com/feed' }));
    expectError(
      error,
      InvalidOptionsError,
      ErrorCode.InvalidOptions,
      /url: unsupported URL scheme "http:".*use ws:\/\//,
    );
  });

  it('every problem at once: a typo, a bad url and a bad value in one error', () => {
    const error = thrown(
      () => new WebSocketEngine({ ...base, url: 'not a url', readres: 2, readers: 0 } as never),
    );
    assert.ok(error instanceof InvalidOptionsError);
    assert.equal(error.issues.length, 3);
  });
});

describe('errors: bad arguments are InvalidArgumentError ERR_INVALID_ARGUMENT, not a TypeError', () => {
  it('readMutex.runExclusive(notAFunction) rejects saying to pass a function', async () => {
    const engine = new WebSocketEngine(base);
    const error = await engine.readMutex.runExclusive('not a function' as never).catch((e: unknown) => e);
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidArgument,
      /runExclusive\(fn\): fn must be a function/,
    );
    assert.equal(engine.readMutex.isLocked, false, 'the lock was not taken');
  });

  it('readMutex.lock({ signal: {} }) rejects saying to pass an AbortSignal', async () => {
    const engine = new WebSocketEngine(base);
    const error = await engine.readMutex.lock({ signal: {} as never }).catch((e: unknown) => e);
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidArgument,
      /lock\(options\): options\.signal must be an AbortSignal/,
    );
    assert.equal(engine.readMutex.isLocked, false);
  });

  it('readMutex.runExclusive(fn, { signal: "x" }) rejects without running fn', async () => {
    const engine = new WebSocketEngine(base);
    let ran = false;
    const error = await engine.readMutex
      .runExclusive(
        () => {
          ran = true;
        },
        { signal: 'x' as never },
      )
      .catch((e: unknown) => e);
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidArgument,
      /options\.signal must be an AbortSignal .*got a string$/,
    );
    assert.equal(ran, false);
  });

  it('engine.start({ signal: {} }) rejects saying to pass an AbortSignal, dialling nothing', async () => {
    const adapter = new WebSocketConnectionAdapterMock();
    const engine = new WebSocketEngine({ ...base, adapter });
    const error = await engine.start({ signal: {} as never }).catch((e: unknown) => e);
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidArgument,
      /^start\(options\): options\.signal must be an AbortSignal/,
    );
    assert.equal(adapter.dial.callCount, 0);
    assert.equal(engine.isStarted, false);
  });

  it('engine.stop({ signal: "x" }) rejects saying to pass an AbortSignal', async () => {
    const engine = new WebSocketEngine(base);
    const error = await engine.stop({ signal: 'x' as never }).catch((e: unknown) => e);
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidArgument,
      /^stop\(options\): options\.signal must be an AbortSignal/,
    );
  });

  it('engine.start(null) rejects saying what options are', async () => {
    const engine = new WebSocketEngine(base);
    const error = await engine.start(null as never).catch((e: unknown) => e);
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidArgument,
      /^start\(options\): options must be an object/,
    );
  });
});

describe('errors: messages say why, and never carry credentials', () => {
  it("EngineStartError's message ends with its cause's message (connect ECONNREFUSED ...)", async () => {
    const port = await freePort();
    const engine = new WebSocketEngine({ ...base, url: `ws://127.0.0.1:${port}/`, adapter: new WsAdapter() });
    const error = await engine.start().catch((e: unknown) => e);
    expectError(
      error,
      EngineStartError,
      ErrorCode.EngineStart,
      /^engine failed to start: .*ECONNREFUSED 127\.0\.0\.1/,
    );
    const cause = (error as EngineStartError).cause as Error;
    assert.equal(cause.name, 'DialError');
    assert.ok((error as Error).message.endsWith(cause.message));
  });

  it('an EngineStartError for a URL with credentials carries them nowhere (message, cause chain, inspect)', async () => {
    const port = await freePort();
    const url = `ws://alice:S3CRET-PASS@127.0.0.1:${port}/feed?token=S3CRET-TOKEN`;
    const engine = new WebSocketEngine({ ...base, url, adapter: new WsAdapter() });
    const error = await engine.start().catch((e: unknown) => e);
    assert.ok(error instanceof EngineStartError);
    assert.deepEqual(secretsIn(error, ['S3CRET', 'alice']), []);
  });

  it('an unparsable URL with credentials: InvalidArgumentError ERR_INVALID_URL with no trace of them', () => {
    const error = thrown(() => validateWebSocketUrl('wss://alice:S3CRET-PASS@[bad/?token=S3CRET-TOKEN'));
    expectError(
      error,
      InvalidArgumentError,
      ErrorCode.InvalidUrl,
      /not a URL; expected an absolute URL such as wss:/,
    );
    assert.equal((error as Error).cause, undefined);
    assert.deepEqual(secretsIn(error, ['S3CRET', 'alice']), []);
  });
});
