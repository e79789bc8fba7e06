import type { RawResponse } from '@tempo/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { ConfirmModal, CopyButton, ErrorNotice, isJsonText, JsonField, TextField } from '../../ui/index.ts';
import {
  type ApiOperation,
  curlSnippet,
  type ExplorerRequest,
  fetchSnippet,
  fillPath,
  isDestructive,
} from './openapi-operations.ts';

interface HeaderRow {
  readonly name: string;
  readonly value: string;
}

/** One operation: its parameters, extra headers and body, Execute, the answer and snippets. */
export const OperationPanel = ({
  operation,
  defaultTenantId,
  response,
  onResponse,
}: {
  readonly operation: ApiOperation;
  readonly defaultTenantId: string;
  readonly response: RawResponse | null;
  readonly onResponse: (response: RawResponse) => void;
}) => {
  const { t } = useTranslation('explorer');
  const { client, serverUrl } = useTempoApi();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      operation.parameters
        .filter((parameter) => parameter.name === 'tenantId')
        .map((parameter) => [parameter.name, defaultTenantId]),
    ),
  );
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [body, setBody] = useState(operation.hasBody ? '{}' : '');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const path = fillPath(operation.path, values);
  const query: Record<string, string> = {};
  const headerValues: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    const value = values[parameter.name];
    if (value === undefined || value === '') continue;
    if (parameter.in === 'query') query[parameter.name] = value;
    if (parameter.in === 'header') headerValues[parameter.name] = value;
  }
  for (const row of headers) if (row.name.trim()) headerValues[row.name.trim()] = row.value;
  const queryString = new URLSearchParams(query).toString();
  const request: ExplorerRequest = {
    method: operation.method,
    url: `${serverUrl}${path}${queryString ? `?${queryString}` : ''}`,
    headers: headerValues,
    body: operation.hasBody && body.trim() ? body : null,
  };
  const missing = operation.parameters.some((parameter) => parameter.required && !values[parameter.name]);
  const bodyValid = !operation.hasBody || body.trim() === '' || isJsonText(body);

  // Any answer is shown as it is: a 401 here may be a route for other credentials, not a lapsed session.
  const execute = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await client.raw(operation.method, path, {
        query,
        headers: headerValues,
        ...(request.body === null ? {} : { body: JSON.parse(request.body) }),
      });
      onResponse(answer);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card explorer-panel">
      <h2>
        <span className={`explorer-method explorer-method-${operation.method.toLowerCase()}`}>
          {operation.method}
        </span>{' '}
        <code>{operation.path}</code>
      </h2>
      {operation.summary ? <p>{operation.summary}</p> : null}
      {operation.description ? <p className="muted">{operation.description}</p> : null}
      {operation.parameters.length > 0 ? (
        <>
          <h3>{t('parameters')}</h3>
          <div className="grid-2">
            {operation.parameters.map((parameter) => (
              <TextField
                key={`${parameter.in}:${parameter.name}`}
                label={t('parameterLabel', { name: parameter.name, place: t(`places.${parameter.in}`) })}
                hint={parameter.description || undefined}
                required={parameter.required}
                mono
                value={values[parameter.name] ?? ''}
                onChange={(value) => setValues((previous) => ({ ...previous, [parameter.name]: value }))}
              />
            ))}
          </div>
        </>
      ) : null}
      <h3>{t('headers')}</h3>
      {headers.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position.
        <div key={index} className="row">
          <TextField
            label={t('headerName')}
            mono
            value={row.name}
            onChange={(name) =>
              setHeaders(headers.map((item, position) => (position === index ? { ...item, name } : item)))
            }
          />
          <TextField
            label={t('headerValue')}
            mono
            value={row.value}
            onChange={(value) =>
              setHeaders(headers.map((item, position) => (position === index ? { ...item, value } : item)))
            }
          />
          <button
            type="button"
            className="button"
            title={t('removeHeader')}
            onClick={() => setHeaders(headers.filter((_item, position) => position !== index))}
          >
            {t('remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button"
        title={t('addHeaderHint')}
        onClick={() => setHeaders([...headers, { name: '', value: '' }])}
      >
        {t('addHeader')}
      </button>
      {operation.hasBody ? <JsonField label={t('body')} value={body} onChange={setBody} rows={8} /> : null}
      <div className="row explorer-execute">
        <button
          type="button"
          className="button button-primary"
          disabled={busy || missing || !bodyValid}
          title={missing ? t('missing') : t('executeHint')}
          onClick={() => (isDestructive(operation.method) ? setConfirming(true) : void execute())}
        >
          {busy ? t('executing') : t('execute')}
        </button>
      </div>
      <ErrorNotice error={error} />
      {response ? (
        <div className="explorer-response">
          <h3>{t('response', { status: response.status })}</h3>
          <pre className="output">
            {Object.entries(response.headers)
              .map(([name, value]) => `${name}: ${value}`)
              .join('\n')}
          </pre>
          <pre className="output">
            {typeof response.body === 'string' ? response.body : JSON.stringify(response.body, null, 2)}
          </pre>
        </div>
      ) : null}
      <h3>{t('snippets')}</h3>
      {[
        { id: 'curl', label: t('curl'), text: curlSnippet(request) },
        { id: 'fetch', label: t('fetch'), text: fetchSnippet(request) },
      ].map((snippet) => (
        <div key={snippet.id}>
          <div className="row">
            <h4>{snippet.label}</h4>
            <CopyButton value={snippet.text} label={snippet.label} />
          </div>
          <pre className="output">{snippet.text}</pre>
        </div>
      ))}
      <ConfirmModal
        open={confirming}
        title={t('confirmTitle', { method: operation.method })}
        message={t('confirm')}
        recordId={path}
        confirmLabel={t('execute')}
        onConfirm={execute}
        onClose={() => setConfirming(false)}
      />
    </section>
  );
};
