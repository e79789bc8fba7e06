import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { startI18n } from './i18n/i18n.ts';
import { applyTheme, initialTheme } from './shell/theme.ts';
import './styles/base.css';
import './styles/shell.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
applyTheme(initialTheme());
await startI18n();
createRoot(root).render(
  <StrictMode>
    <Suspense fallback={null}>
      <App />
    </Suspense>
  </StrictMode>,
);
