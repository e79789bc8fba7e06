import { useTranslation } from 'react-i18next';
import { readSettings } from '../../api/settings-api.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { CopyButton, ErrorNotice } from '../../ui/index.ts';

/** One outside service the server reports to. */
interface ExternalService {
  readonly id: 'otlp' | 'prometheus' | 'loki';
  readonly url: string;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** The services the telemetry settings turn on, with their addresses. */
const servicesOf = (settings: Record<string, unknown>): ExternalService[] => {
  const telemetry = record(settings.telemetry);
  if (telemetry.enabled === false) return [];
  const services: ExternalService[] = [];
  if (telemetry.otlpEnabled !== false && typeof telemetry.otlpEndpoint === 'string') {
    services.push({ id: 'otlp', url: telemetry.otlpEndpoint });
  }
  if (telemetry.prometheusEnabled === true) {
    const host = telemetry.prometheusHostname === '*' ? '127.0.0.1' : String(telemetry.prometheusHostname);
    services.push({ id: 'prometheus', url: `http://${host}:${String(telemetry.prometheusPort)}/metrics` });
  }
  if (telemetry.lokiEnabled === true && typeof telemetry.lokiEndpoint === 'string') {
    services.push({ id: 'loki', url: telemetry.lokiEndpoint });
  }
  return services;
};

/** Where the server's metrics, traces and logs go (OTLP, Prometheus, Loki), from its settings. */
export const ExternalServicesCard = () => {
  const { t } = useTranslation('home');
  const settings = useApiQuery(readSettings, []);
  const services = settings.data ? servicesOf(settings.data.settings) : [];
  return (
    <section className="card">
      <h2>{t('external.title')}</h2>
      <p className="muted">{t('external.subtitle')}</p>
      <ErrorNotice error={settings.error} />
      {settings.data && services.length === 0 ? <p>{t('external.none')}</p> : null}
      <dl className="facts">
        {services.map((service) => (
          <div key={service.id} className="facts-row">
            <dt>{t(`external.services.${service.id}`)}</dt>
            <dd>
              <code>{service.url}</code> <CopyButton value={service.url} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
};
