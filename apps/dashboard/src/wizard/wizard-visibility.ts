import type { TempoClient } from '@tempo/client';
import { STORAGE_KEYS, wizardDismissedKey } from '../api/storage-keys.ts';

/** Whose wizard it is: one server and one tenant (or principal). */
export interface WizardScope {
  readonly serverUrl: string;
  readonly scope: string | null;
}

/** Whether the tenant holds nothing yet: no flows, no triggers, no runs. */
const tenantIsEmpty = async (client: TempoClient, tenantId: string): Promise<boolean> => {
  const tenant = client.tenant(tenantId);
  const [flows, triggers, runs] = await Promise.all([
    tenant.flows.list({ pageSize: 1, includeInactive: true }),
    tenant.triggers.list({ pageSize: 1, includeInactive: true }),
    tenant.runs.list({ pageSize: 1 }),
  ]);
  return flows.totalCount === 0 && triggers.totalCount === 0 && runs.totalCount === 0;
};

/**
 * Whether the wizard opens by itself after sign-in (spec §4.3): not once dismissed for this server
 * and tenant; with only the legacy key set, again when the tenant is still empty.
 */
export const shouldOpenWizard = async (
  client: TempoClient,
  tenantId: string,
  who: WizardScope,
): Promise<boolean> => {
  if (window.localStorage.getItem(wizardDismissedKey(who.serverUrl, who.scope)) !== null) return false;
  if (window.localStorage.getItem(STORAGE_KEYS.wizardDismissedLegacy) === null) return true;
  return tenantId !== '' && tenantIsEmpty(client, tenantId);
};

/** Remembers that the wizard was closed, under both keys. */
export const dismissWizard = (who: WizardScope): void => {
  window.localStorage.setItem(wizardDismissedKey(who.serverUrl, who.scope), 'true');
  window.localStorage.setItem(STORAGE_KEYS.wizardDismissedLegacy, 'true');
};
