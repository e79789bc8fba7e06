import type { RawResponse } from '@tempo/client';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ErrorNotice, TextField } from '../../ui/index.ts';
import { PageHeader } from '../../ui/page-header.tsx';
import { type ApiOperation, operationsOf } from './openapi-operations.ts';
import { OperationPanel } from './operation-panel.tsx';
import './explorer.css';

/** API Explorer (spec §4.2): every operation of `/openapi.json`, grouped by tag, callable in place. */
export default function ExplorerPage() {
  const { t } = useTranslation('explorer');
  const { tenantId } = useTempoApi();
  const document = useApiQuery((client) => client.openApiDocument(), []);
  const operations = useMemo(() => (document.data ? operationsOf(document.data) : []), [document.data]);
  const [filter, setFilter] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [responses, setResponses] = useState<Record<string, RawResponse>>({});

  const tags = useMemo(() => [...new Set(operations.map((operation) => operation.tag))], [operations]);
  const needle = filter.trim().toLowerCase();
  const visible = operations.filter(
    (operation) =>
      (tag === null || operation.tag === tag) &&
      (needle === '' ||
        operation.key.toLowerCase().includes(needle) ||
        operation.summary.toLowerCase().includes(needle) ||
        (operation.operationId ?? '').toLowerCase().includes(needle)),
  );
  const selected = operations.find((operation) => operation.key === selectedKey) ?? null;

  const grouped = new Map<string, ApiOperation[]>();
  for (const operation of visible)
    grouped.set(operation.tag, [...(grouped.get(operation.tag) ?? []), operation]);

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { count: operations.length })} />
      <ErrorNotice error={document.error} />
      <div className="explorer">
        <nav className="explorer-rail" aria-label={t('rail')}>
          <button
            type="button"
            className="explorer-tag"
            aria-pressed={tag === null}
            title={t('allTagsHint')}
            onClick={() => setTag(null)}
          >
            {t('allTags')}
          </button>
          {tags.map((name) => (
            <button
              key={name}
              type="button"
              className="explorer-tag"
              aria-pressed={tag === name}
              title={t('tagHint', { tag: name || t('untagged') })}
              onClick={() => setTag(name)}
            >
              {name || t('untagged')}
            </button>
          ))}
        </nav>
        <div className="explorer-list">
          <TextField label={t('filter')} hint={t('filterHint')} value={filter} onChange={setFilter} />
          {document.loading && !document.data ? <p className="muted">{t('loading')}</p> : null}
          {[...grouped.entries()].map(([group, items]) => (
            <section key={group}>
              <h2 className="explorer-group">{group || t('untagged')}</h2>
              <ul className="plain-list">
                {items.map((operation) => (
                  <li key={operation.key}>
                    <button
                      type="button"
                      className="explorer-operation"
                      aria-current={operation.key === selectedKey}
                      title={operation.description || operation.summary || operation.key}
                      onClick={() => setSelectedKey(operation.key)}
                    >
                      <span className={`explorer-method explorer-method-${operation.method.toLowerCase()}`}>
                        {operation.method}
                      </span>
                      <code>{operation.path}</code>
                      <span className="muted">{operation.summary}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
        <div className="explorer-detail">
          {selected ? (
            <OperationPanel
              key={selected.key}
              operation={selected}
              defaultTenantId={tenantId}
              response={responses[selected.key] ?? null}
              onResponse={(response) =>
                setResponses((previous) => ({ ...previous, [selected.key]: response }))
              }
            />
          ) : (
            <p className="muted">{t('pick')}</p>
          )}
        </div>
      </div>
    </>
  );
}
