import { describe, expect, it } from 'vitest';
import { snapshotArtifacts } from './run-snapshot.ts';

const snapshot = JSON.stringify({
  flow: { id: 'flow_1', transitions: {} },
  steps: {
    'b.python': {
      id: 'step_b',
      runtimeKey: 'Artifact.Python',
      artifact: {
        kind: 'pinned',
        artifact: { artifactId: 'art_1', artifactVersionId: 'av_1', version: '1.2.0', sha256: 'abc' },
      },
    },
    'a.rest': { id: 'step_a', runtimeKey: 'External.Rest', artifact: null },
    'c.gone': {
      id: 'step_c',
      runtimeKey: 'Artifact.JavaScript',
      artifact: { kind: 'unresolved', message: 'version 9 was deleted' },
    },
  },
});

describe('run snapshot artifacts', () => {
  it('lists the artifact versions pinned at run start, by execution key', () => {
    expect(snapshotArtifacts(snapshot)).toEqual([
      {
        executionKey: 'b.python',
        stepId: 'step_b',
        runtimeKey: 'Artifact.Python',
        pin: { kind: 'pinned', artifactId: 'art_1', version: '1.2.0', sha256: 'abc' },
      },
      {
        executionKey: 'c.gone',
        stepId: 'step_c',
        runtimeKey: 'Artifact.JavaScript',
        pin: { kind: 'unresolved', message: 'version 9 was deleted' },
      },
    ]);
  });

  it('gives nothing for a missing or malformed snapshot', () => {
    expect(snapshotArtifacts(null)).toEqual([]);
    expect(snapshotArtifacts('{not json')).toEqual([]);
    expect(snapshotArtifacts('{"steps":[1]}')).toEqual([]);
  });
});
