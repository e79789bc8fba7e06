import { TempoApiError, type TempoClient } from '@tempo/client';
import { RunLogContentResponse, RunLogFileEntry } from '@tempo/contracts';

const logsPath = (tenantId: string, runId: string) =>
  `/v1.0/tenants/${encodeURIComponent(tenantId)}/runs/${encodeURIComponent(runId)}/logs`;

/** The run's log files (`GET .../runs/{id}/logs`). */
export const listRunLogs = (
  client: TempoClient,
  tenantId: string,
  runId: string,
): Promise<RunLogFileEntry[]> => client.request('GET', logsPath(tenantId, runId), RunLogFileEntry.array());

/** The end of one log file, bounded by lines and bytes (`GET .../logs/content`). */
export const readRunLog = (
  client: TempoClient,
  tenantId: string,
  runId: string,
  query: { path: string; tailLines: number; maxBytes: number },
): Promise<RunLogContentResponse> =>
  client.request('GET', `${logsPath(tenantId, runId)}/content`, RunLogContentResponse, { query });

/** The whole log file as text (`GET .../logs/download`). */
export const downloadRunLog = async (
  client: TempoClient,
  tenantId: string,
  runId: string,
  path: string,
): Promise<string> => {
  const answer = await client.raw('GET', `${logsPath(tenantId, runId)}/download`, { query: { path } });
  if (answer.status !== 200) throw TempoApiError.fromAnswer(answer.status, answer.body);
  return answer.text;
};

const expectNoContent = async (answer: Promise<{ status: number; body: unknown }>): Promise<void> => {
  const { status, body } = await answer;
  if (status !== 204) throw TempoApiError.fromAnswer(status, body);
};

/** Deletes one log file (`DELETE .../logs/content?path=`); 409 while the file is active. */
export const deleteRunLog = (
  client: TempoClient,
  tenantId: string,
  runId: string,
  path: string,
): Promise<void> =>
  expectNoContent(client.raw('DELETE', `${logsPath(tenantId, runId)}/content`, { query: { path } }));

/** Deletes every log file of the run (`DELETE .../logs`); 409 while the run is queued or running. */
export const deleteRunLogs = (client: TempoClient, tenantId: string, runId: string): Promise<void> =>
  expectNoContent(client.raw('DELETE', logsPath(tenantId, runId)));

/** Hands `text` to the browser as a file download named `fileName`. */
export const saveTextFile = (fileName: string, text: string): void => {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
};
