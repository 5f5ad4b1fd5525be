import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as engineTelemetry from '../../src/engine/telemetry.js';
import * as otel from '../../src/otel/index.js';

describe('wscengine/otel', () => {
  it('exports openTelemetry, the name constants and redactUrl, nothing more', () => {
    assert.deepEqual(Object.keys(otel).sort(), [
      'Attr',
      'MetricName',
      'SpanName',
      'openTelemetry',
      'redactUrl',
    ]);
  });

  it("names the engine's spans and attributes as the engine does, plus the adapter's", () => {
    for (const [key, name] of Object.entries(engineTelemetry.SpanName)) {
      assert.equal(otel.SpanName[key as keyof typeof otel.SpanName], name, key);
    }
    for (const [key, name] of Object.entries(engineTelemetry.Attr)) {
      assert.equal(otel.Attr[key as keyof typeof otel.Attr], name, key);
    }
    for (const name of ['Dial', 'Read', 'Write', 'Ping', 'Close'] as const) {
      assert.match(otel.SpanName[name], /^wscengine\.[a-z_]+$/);
    }
  });

  it('has no two constants with the same name', () => {
    for (const constants of [otel.SpanName, otel.Attr, otel.MetricName]) {
      const names = Object.values(constants);
      assert.equal(new Set(names).size, names.length);
    }
  });
});
