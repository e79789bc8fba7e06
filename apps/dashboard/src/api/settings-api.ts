import type { TempoClient } from '@tempo/client';
import { SettingsReadResponse, SettingsSaveResponse } from '@tempo/contracts';

/** `GET /v1.0/settings` (global administrators). */
export const readSettings = (client: TempoClient): Promise<SettingsReadResponse> =>
  client.request('GET', '/v1.0/settings', SettingsReadResponse);

/** `PUT /v1.0/settings`: replaces the whole file with `settings` (see docs/log-viewer-and-settings.md). */
export const saveSettings = (
  client: TempoClient,
  settings: Record<string, unknown>,
): Promise<SettingsSaveResponse> =>
  client.request('PUT', '/v1.0/settings', SettingsSaveResponse, { body: settings });
