import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { TempoApiProvider, useSession } from './api/tempo-api.tsx';
import { LoginPage } from './login/login-page.tsx';
import { Shell } from './shell/shell.tsx';

const Resuming = () => {
  const { t } = useTranslation('shell');
  return (
    <p className="app-resuming" role="status">
      {t('session.resuming')}
    </p>
  );
};

/** The routes of spec §4.1: login at `/`, the shell under `/dashboard/:section`. */
const AppRoutes = () => {
  const { status } = useSession();
  if (status === 'resuming') return <Resuming />;
  const signedIn = status === 'signedIn';
  return (
    <Routes>
      <Route path="/" element={signedIn ? <Navigate to="/dashboard/home" replace /> : <LoginPage />} />
      <Route path="/dashboard" element={<Navigate to="/dashboard/home" replace />} />
      <Route path="/dashboard/:section" element={signedIn ? <Shell /> : <Navigate to="/" replace />} />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
};

/** The whole dashboard. */
export const App = () => (
  <BrowserRouter>
    <TempoApiProvider>
      <AppRoutes />
    </TempoApiProvider>
  </BrowserRouter>
);
