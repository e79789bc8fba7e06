import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PAGE_SIZES, type Paging, pageCount, parsePageJump } from './paging.ts';

/** Page size, previous/next and "jump to page" under a table. */
export function Pagination({ paging, totalCount }: { readonly paging: Paging; readonly totalCount: number }) {
  const { t } = useTranslation('ui');
  const [jump, setJump] = useState('');
  const totalPages = pageCount(totalCount, paging.pageSize);
  const go = (pageNumber: number) => paging.setPageNumber(Math.min(totalPages, Math.max(1, pageNumber)));
  return (
    <nav className="ui-pagination" aria-label={t('table.pagination')}>
      <span>{t('table.pageOf', { page: paging.pageNumber, pages: totalPages, total: totalCount })}</span>
      <label title={t('table.pageSize')}>
        <span>{t('table.pageSize')}</span>
        <select value={paging.pageSize} onChange={(event) => paging.setPageSize(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="ui-button ui-button-small"
        title={t('table.first')}
        disabled={paging.pageNumber <= 1}
        onClick={() => go(1)}
      >
        {t('table.first')}
      </button>
      <button
        type="button"
        className="ui-button ui-button-small"
        title={t('table.previous')}
        disabled={paging.pageNumber <= 1}
        onClick={() => go(paging.pageNumber - 1)}
      >
        {t('table.previous')}
      </button>
      <button
        type="button"
        className="ui-button ui-button-small"
        title={t('table.next')}
        disabled={paging.pageNumber >= totalPages}
        onClick={() => go(paging.pageNumber + 1)}
      >
        {t('table.next')}
      </button>
      <form
        className="ui-page-jump"
        onSubmit={(event) => {
          event.preventDefault();
          const target = parsePageJump(jump, totalPages);
          if (target !== null) go(target);
          setJump('');
        }}
      >
        <input
          className="ui-input ui-input-small"
          inputMode="numeric"
          value={jump}
          title={t('table.jumpTitle')}
          aria-label={t('table.jumpTitle')}
          onChange={(event) => setJump(event.target.value)}
        />
        <button type="submit" className="ui-button ui-button-small" title={t('table.jumpTitle')}>
          {t('table.jump')}
        </button>
      </form>
    </nav>
  );
}
