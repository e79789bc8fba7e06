import { describe, expect, it } from 'vitest';
import { artifactLimits } from './artifact-limits.ts';

describe('artifact limits', () => {
  it('fills the server defaults for a missing section', () => {
    expect(artifactLimits({})).toEqual({
      maxBytesPerTenant: 1024 ** 3,
      maxUploadBytes: 100 * 1024 ** 2,
      maxVersionsPerArtifact: 0,
      versionGracePeriodDays: 7,
    });
  });

  it('reads the configured values and refuses a section that is not artifact settings', () => {
    expect(
      artifactLimits({ artifacts: { maxBytesPerTenant: 2048, maxVersionsPerArtifact: 5 } }),
    ).toMatchObject({
      maxBytesPerTenant: 2048,
      maxVersionsPerArtifact: 5,
    });
    expect(artifactLimits({ artifacts: { unknownField: true } })).toBeNull();
    expect(artifactLimits({ artifacts: 'x' })).toBeNull();
  });
});
