import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { defaultServerUrl } from '../api/dashboard-config.ts';
import { SignInRefused, signIn } from '../api/session.ts';
import { STORAGE_KEYS } from '../api/storage-keys.ts';
import { useSession } from '../api/tempo-api.tsx';
import { LanguageSelect } from '../shell/language-select.tsx';
import { ErrorNotice, TextField } from '../ui/index.ts';

type Method = 'password' | 'apiKey';

/** Sign-in (spec §4.1): server URL, email and password or the admin API key, optional tenant id. */
export const LoginPage = () => {
  const { t } = useTranslation('shell');
  const session = useSession();
  const [serverUrl, setServerUrl] = useState(() => window.localStorage.getItem(STORAGE_KEYS.serverUrl) ?? '');
  const [method, setMethod] = useState<Method>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [tenantId, setTenantId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (serverUrl !== '') return;
    let current = true;
    defaultServerUrl().then((url) => {
      if (current) setServerUrl((typed) => (typed === '' ? url : typed));
    });
    return () => {
      current = false;
    };
  }, [serverUrl]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const opened = await signIn(
        method === 'password'
          ? { kind: 'password', serverUrl, email, password, tenantId }
          : { kind: 'apiKey', serverUrl, apiKey, tenantId },
      );
      session.start(opened);
    } catch (caught) {
      setError(caught instanceof SignInRefused ? new Error(t('login.refused')) : caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <main className="login-card">
        <div className="login-head">
          <h1>{t('login.title')}</h1>
          <LanguageSelect showLabel />
        </div>
        <p className="login-subtitle">{t('login.subtitle')}</p>
        <form onSubmit={submit}>
          <TextField
            label={t('login.serverUrl')}
            hint={t('login.serverUrlHint')}
            type="url"
            value={serverUrl}
            onChange={setServerUrl}
            required
          />
          <fieldset className="login-method">
            <legend>{t('login.method')}</legend>
            <label title={t('login.methodPasswordHint')}>
              <input
                type="radio"
                name="method"
                checked={method === 'password'}
                onChange={() => setMethod('password')}
              />
              {t('login.methodPassword')}
            </label>
            <label title={t('login.methodApiKeyHint')}>
              <input
                type="radio"
                name="method"
                checked={method === 'apiKey'}
                onChange={() => setMethod('apiKey')}
              />
              {t('login.methodApiKey')}
            </label>
          </fieldset>
          {method === 'password' ? (
            <>
              <TextField label={t('login.email')} type="email" value={email} onChange={setEmail} required />
              <TextField
                label={t('login.password')}
                type="password"
                value={password}
                onChange={setPassword}
                required
              />
            </>
          ) : (
            <TextField
              label={t('login.apiKey')}
              hint={t('login.apiKeyHint')}
              type="password"
              value={apiKey}
              onChange={setApiKey}
              mono
              required
            />
          )}
          <TextField
            label={t('login.tenantId')}
            hint={t('login.tenantIdHint')}
            value={tenantId}
            onChange={setTenantId}
            mono
          />
          <ErrorNotice error={error} />
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            title={t('login.submitHint')}
          >
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
};
