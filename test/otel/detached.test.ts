import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { createEngineTelemetry } from '../../src/otel/telemetry.js';
import { createTracing, useContextManager } from './helpers.js';

describe('createEngineTelemetry: detached()', () => {
  it('runs fn without the active span, so spans started inside, also after an await, are roots', async () => {
    const tracing = createTracing();
    const cleanupContext = useContextManager();
    const telemetry = createEngineTelemetry({ tracerProvider: tracing.provider });
    let background: Promise<void> | undefined;
    await telemetry.span('wscengine.start', {}, async () => {
      background = telemetry.detached(async () => {
        assert.equal(trace.getActiveSpan(), undefined);
        await new Promise<void>((resolve) => setImmediate(resolve));
        await telemetry.span('wscengine.on_message', {}, async () => {});
      });
      assert.ok(trace.getActiveSpan(), 'the caller keeps its span');
    });
    await background;
    assert.equal(tracing.byName('wscengine.on_message')[0].parentSpanContext, undefined);
    cleanupContext();
    await tracing.shutdown();
  });

  it('just calls fn when disabled', () => {
    assert.equal(
      createEngineTelemetry().detached(() => 7),
      7,
    );
  });
});
