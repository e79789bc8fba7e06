import { ArtifactSettings } from '@tempo/contracts';

/** The artifact limits every tenant is held to, as the server applies them. */
export interface ArtifactLimits {
  readonly maxBytesPerTenant: number;
  readonly maxUploadBytes: number;
  /** 0 = unlimited. */
  readonly maxVersionsPerArtifact: number;
  readonly versionGracePeriodDays: number;
}

/**
 * The `artifacts` section of the settings file with the server's defaults filled in (a missing
 * section or field means the default applies); null when the section cannot be read as settings.
 */
export const artifactLimits = (settings: Record<string, unknown>): ArtifactLimits | null => {
  const parsed = ArtifactSettings.safeParse(settings.artifacts ?? {});
  if (!parsed.success) return null;
  const { maxBytesPerTenant, maxUploadBytes, maxVersionsPerArtifact, versionGracePeriodDays } = parsed.data;
  return { maxBytesPerTenant, maxUploadBytes, maxVersionsPerArtifact, versionGracePeriodDays };
};
