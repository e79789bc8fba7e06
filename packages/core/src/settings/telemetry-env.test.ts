import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from './load-settings.ts';
import { SettingsError } from './settings-error.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tempo-telemetry-env-'));
  file = join(dir, 'tempo.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const load = (env: Record<string, string>) => loadSettings({ filePath: file, env });

describe('telemetry settings', () => {
  it('has the spec defaults', () => {
    const { telemetry } = load({}).settings;
    expect(telemetry).toMatchObject({
      enabled: true,
      serviceName: null,
      otlpEnabled: true,
      otlpEndpoint: 'http://127.0.0.1:4317',
      otlpProtocol: 'grpc',
      prometheusEnabled: false,
      prometheusHostname: '127.0.0.1',
      prometheusPort: 9464,
      samplingRatio: 1,
      metricsExportIntervalMs: 15_000,
    });
  });

  it('reads the TEMPO_TELEMETRY_* variables of the spec', () => {
    const { telemetry } = load({
      TEMPO_TELEMETRY_ENABLED: 'false',
      TEMPO_TELEMETRY_SERVICE_NAME: 'tempo-eu-1',
      TEMPO_TELEMETRY_OTLP_ENABLED: '0',
      TEMPO_TELEMETRY_OTLP_ENDPOINT: 'http://collector:4318',
      TEMPO_TELEMETRY_OTLP_PROTOCOL: 'HttpProtobuf',
      TEMPO_TELEMETRY_PROMETHEUS_ENABLED: 'true',
      TEMPO_TELEMETRY_PROMETHEUS_HOSTNAME: '*',
      TEMPO_TELEMETRY_PROMETHEUS_PORT: '9999',
      TEMPO_TELEMETRY_SAMPLING_RATIO: '0.25',
    }).settings;
    expect(telemetry).toMatchObject({
      enabled: false,
      serviceName: 'tempo-eu-1',
      otlpEnabled: false,
      otlpEndpoint: 'http://collector:4318',
      otlpProtocol: 'httpprotobuf',
      prometheusEnabled: true,
      prometheusHostname: '*',
      prometheusPort: 9999,
      samplingRatio: 0.25,
    });
  });

  it('clamps numbers into their ranges, as in the file', () => {
    const { settings, warnings } = load({
      TEMPO_TELEMETRY_SAMPLING_RATIO: '7',
      TEMPO_TELEMETRY_PROMETHEUS_PORT: '70000',
    });
    expect(settings.telemetry.samplingRatio).toBe(1);
    expect(settings.telemetry.prometheusPort).toBe(65535);
    expect(warnings.join('\n')).toContain('telemetry.prometheusPort 70000 is out of range');
  });

  it('ignores unparseable variables with a warning instead of refusing to start', () => {
    const { settings, warnings } = load({
      TEMPO_TELEMETRY_ENABLED: 'maybe',
      TEMPO_TELEMETRY_PROMETHEUS_PORT: 'ninety',
      TEMPO_TELEMETRY_OTLP_PROTOCOL: 'carrier-pigeon',
      TEMPO_TELEMETRY_OTLP_ENDPOINT: 'not a url',
      TEMPO_TELEMETRY_SAMPLING_RATIO: 'half',
      TEMPO_TELEMETRY_PROMETHEUS_HOSTNAME: '   ',
    });
    expect(settings.telemetry).toMatchObject({
      enabled: true,
      prometheusPort: 9464,
      otlpProtocol: 'grpc',
      otlpEndpoint: 'http://127.0.0.1:4317',
      samplingRatio: 1,
      prometheusHostname: '127.0.0.1',
    });
    const text = warnings.join('\n');
    for (const name of [
      'TEMPO_TELEMETRY_ENABLED',
      'TEMPO_TELEMETRY_PROMETHEUS_PORT',
      'TEMPO_TELEMETRY_OTLP_PROTOCOL',
      'TEMPO_TELEMETRY_OTLP_ENDPOINT',
      'TEMPO_TELEMETRY_SAMPLING_RATIO',
      'TEMPO_TELEMETRY_PROMETHEUS_HOSTNAME',
    ])
      expect(text).toContain(name);
    expect(warnings.every((warning) => warning.endsWith('ignored') || warning.includes('out of range'))).toBe(
      true,
    );
  });

  it('takes only absolute http(s) endpoints: refused in the file, ignored from a variable', () => {
    writeFileSync(file, JSON.stringify({ telemetry: { otlpEndpoint: 'ftp://collector' } }));
    expect(() => load({})).toThrow(SettingsError);
    writeFileSync(file, '{}');
    const { settings, warnings } = load({ TEMPO_TELEMETRY_OTLP_ENDPOINT: 'ftp://collector' });
    expect(settings.telemetry.otlpEndpoint).toBe('http://127.0.0.1:4317');
    expect(warnings.join('\n')).toContain('TEMPO_TELEMETRY_OTLP_ENDPOINT');
  });

  it('still refuses bad values of other sections', () => {
    expect(() => load({ TEMPO_REST_PORT: 'eighty' })).toThrow(SettingsError);
  });
});
