import type { TempoClient } from '@tempo/client';
import {
  LogFileContent,
  type LogFileContentQuery,
  LogFileDeleteResult,
  type LogFileQuery,
  LogFileRecord,
  type LogSourceQuery,
  LogSourceRecord,
} from '@tempo/contracts';

/** `GET /v1.0/logs/sources`. */
export const logSources = (client: TempoClient) =>
  client.request('GET', '/v1.0/logs/sources', LogSourceRecord.array());

/** `GET /v1.0/logs/files`: the current file first, then archived ones. */
export const logFiles = (client: TempoClient, source: LogSourceQuery) =>
  client.request('GET', '/v1.0/logs/files', LogFileRecord.array(), { query: { ...source } });

/** `GET /v1.0/logs/files/content`: a bounded tail. */
export const logContent = (client: TempoClient, query: LogFileContentQuery) =>
  client.request('GET', '/v1.0/logs/files/content', LogFileContent, { query: { ...query } });

/** `DELETE /v1.0/logs/files/content`: empties the current file or deletes an archived one. */
export const deleteLogFile = (client: TempoClient, file: LogFileQuery) =>
  client.request('DELETE', '/v1.0/logs/files/content', LogFileDeleteResult, { query: { ...file } });

/** The whole file, as the download route streams it. */
export const downloadLogFile = async (client: TempoClient, file: LogFileQuery): Promise<string> => {
  const answer = await client.raw('GET', '/v1.0/logs/files/download', { query: { ...file } });
  if (answer.status !== 200)
    throw new Error(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  return typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
};
