import type { ReactNode } from 'react';

/** Props of {@link PageHeader}. */
export interface PageHeaderProps {
  /** The page title (translated). */
  readonly title: string;
  /** One line under the title saying what the page is for (translated). */
  readonly subtitle?: string;
  /** Buttons on the right, e.g. "Create". */
  readonly actions?: ReactNode;
}

/** The title block at the top of every workspace. */
export function PageHeader({ title, subtitle, actions }: PageHeaderProps) {
  return (
    <header className="ui-page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="ui-page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="ui-page-actions">{actions}</div> : null}
    </header>
  );
}
