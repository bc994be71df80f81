import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CURRENT_SCHEMA_VERSION,
  defaultSettings,
  loadSettings,
  migrateSettings,
  validateSettings,
  validateSettingsPatch,
} from '../../../src/main/core/settings/schema';

const abs = (p: string) => path.resolve('/', p);

describe('defaultSettings', () => {
  it('matches the documented first-run values', () => {
    expect(defaultSettings()).toEqual({
      schemaVersion: 1,
      server: '',
      username: '',
      allowDownloads: true,
      folders: [],
      trackOverrides: {},
      maxConcurrentTransfers: 6,
      uploadRateLimit: 0,
      paused: false,
      autostart: true,
      notifications: true,
      defaultExclude: [],
      rescanIntervalHours: 6,
      pollIntervalSeconds: 60,
      lan: { enabled: false, port: 47310, host: '0.0.0.0' },
    });
    expect(defaultSettings()).not.toBe(defaultSettings());
    expect(defaultSettings().folders).not.toBe(defaultSettings().folders);
  });
});

describe('validateSettings', () => {
  it.each([null, [], 'text', 42, undefined])('gives defaults and one problem for %j', (raw) => {
    const { settings, problems } = validateSettings(raw);
    expect(settings).toEqual(defaultSettings());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/must be an object/);
  });

  it('fills missing fields silently', () => {
    expect(validateSettings({})).toEqual({ settings: defaultSettings(), problems: [] });
  });

  it('keeps valid fields', () => {
    const raw = {
      ...defaultSettings(),
      server: ' https://music.example ',
      folders: [{ path: abs('music'), download: 'deny', exclude: ['*.wav'] }],
      trackOverrides: { abc123: 'allow', ff00: 'deny' },
      maxConcurrentTransfers: 12,
      rescanIntervalHours: 0.5,
    };
    const { settings, problems } = validateSettings(raw);
    expect(problems).toEqual([]);
    expect(settings.server).toBe('https://music.example');
    expect(settings.folders).toEqual([
      { path: abs('music'), download: 'deny', exclude: ['*.wav'] },
    ]);
    expect(settings.trackOverrides).toEqual({ abc123: 'allow', ff00: 'deny' });
    expect(settings.maxConcurrentTransfers).toBe(12);
    expect(settings.rescanIntervalHours).toBe(0.5);
  });

  it('replaces wrong types with defaults and says which', () => {
    const { settings, problems } = validateSettings({
      server: 5,
      allowDownloads: 'yes',
      paused: null,
      folders: 'nope',
      trackOverrides: [],
      uploadRateLimit: 'fast',
      defaultExclude: {},
    });
    expect(settings).toEqual(defaultSettings());
    expect(problems).toHaveLength(7);
    expect(problems).toContain('Setting "server" must be text (got number 5).');
    expect(problems).toContain('Setting "allowDownloads" must be true or false (got text "yes").');
    expect(problems).toContain('Setting "uploadRateLimit" must be a number (got text "fast").');
  });

  it('clamps numbers to sane ranges', () => {
    const { settings, problems } = validateSettings({
      maxConcurrentTransfers: 1000,
      uploadRateLimit: -5,
      rescanIntervalHours: 0,
      pollIntervalSeconds: 1e9,
    });
    expect(settings.maxConcurrentTransfers).toBe(64);
    expect(settings.uploadRateLimit).toBe(0);
    expect(settings.rescanIntervalHours).toBe(0.25);
    expect(settings.pollIntervalSeconds).toBe(86_400);
    expect(problems).toContain(
      'Setting "maxConcurrentTransfers" must be between 1 and 64 (got 1000).',
    );
    expect(problems).toContain('Setting "uploadRateLimit" must be 0 or more (got -5).');
    expect(
      validateSettings({ maxConcurrentTransfers: Number.NaN }).settings.maxConcurrentTransfers,
    ).toBe(6);
  });

  it('drops bad folders and overrides, keeping the good ones', () => {
    const { settings, problems } = validateSettings({
      folders: [
        'relative/path',
        abs('a'),
        { path: abs('b/'), download: 'sometimes', exclude: ['x', 3] },
        { path: abs('a') },
        null,
        { download: 'allow' },
      ],
      trackOverrides: { abc: 'allow', ABC1: 'deny', 'not-hex': 'allow', beef: 'maybe' },
    });
    expect(settings.folders).toEqual([
      { path: abs('a'), download: 'inherit', exclude: [] },
      { path: abs('b'), download: 'inherit', exclude: ['x'] },
    ]);
    expect(settings.trackOverrides).toEqual({ abc: 'allow', abc1: 'deny' });
    expect(problems.join('\n')).toMatch(
      /Folder #1 needs an absolute path \(got text "relative\/path"\)/,
    );
    expect(problems.join('\n')).toMatch(/download must be inherit, allow or deny/);
    expect(problems.join('\n')).toMatch(/listed twice/);
    expect(problems.join('\n')).toMatch(/2 track override\(s\) are invalid/);
    expect(problems).toHaveLength(7);
  });

  it('reports unknown keys', () => {
    expect(validateSettings({ colour: 'blue' }).problems).toEqual([
      'Unknown setting "colour" ignored.',
    ]);
  });
});

describe('validateSettingsPatch', () => {
  it('returns only the valid fields present', () => {
    expect(validateSettingsPatch({ paused: true, server: 1 })).toEqual({
      patch: { paused: true },
      problems: ['Setting "server" must be text (got number 1).'],
    });
  });
});

describe('migrateSettings', () => {
  it('upgrades the tunecamp-peer file (version 0)', () => {
    const old = {
      serverUrl: 'https://tc.example',
      shareDirs: [abs('m1'), abs('m2')],
      allowDownloads: false,
    };
    const m = migrateSettings(old);
    expect(m.fromVersion).toBe(0);
    const loaded = loadSettings(old);
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings).toEqual({
      ...defaultSettings(),
      server: 'https://tc.example',
      allowDownloads: false,
      folders: [
        { path: abs('m1'), download: 'inherit', exclude: [] },
        { path: abs('m2'), download: 'inherit', exclude: [] },
      ],
    });
  });

  it('takes an old token out of the settings and drops unused keys with a problem', () => {
    const m = loadSettings({ serverUrl: 'https://x', token: 'secret', port: 8080 });
    expect(m.legacyToken).toBe('secret');
    expect(JSON.stringify(m.settings)).not.toContain('secret');
    expect(m.problems).toEqual(['Old setting "port" is no longer used and was dropped.']);
  });

  it('leaves current files alone and flags newer ones', () => {
    expect(migrateSettings({ schemaVersion: 1, server: 'a' })).toEqual({
      value: { schemaVersion: 1, server: 'a' },
      fromVersion: CURRENT_SCHEMA_VERSION,
      problems: [],
    });
    const newer = migrateSettings({ schemaVersion: 9 });
    expect(newer.fromVersion).toBe(9);
    expect(newer.problems[0]).toMatch(/newer version \(schema 9\)/);
  });
});
