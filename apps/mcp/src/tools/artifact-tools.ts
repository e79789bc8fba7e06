import { z } from 'zod';
import { seg } from '../tempo-gateway.ts';
import { collectionTools, tenantPath } from './collection-tools.ts';
import { idArg, requiredText, tenantIdArg } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

const artifactId = idArg('artifactId', 'The artifact id (e.g. "art_...")');
const filePath = requiredText('path', 'the file path inside the artifact, e.g. "handler.js".')
  .min(1, 'path must not be empty.')
  .max(512)
  .describe('File path inside the artifact (e.g. "handler.js", "tempo.step.json").');

const filesPath = (id: string) => `artifacts/${seg(id)}/files`;

/** Artifacts: metadata, and the text files of their mutable tree. */
export const artifactTools: readonly TempoTool[] = [
  ...collectionTools({
    prefix: 'artifact',
    path: 'artifacts',
    noun: 'artifact',
    idExample: 'art_...',
    listNote: 'Artifacts hold the code packages that artifact-backed steps run.',
    bodyNote: 'Keys: name, description (and active on update).',
  }),
  defineTool({
    name: 'artifact_files',
    description:
      "List the files of an artifact's mutable tree (GET .../artifacts/{artifactId}/files): path, size, content type, whether binary.",
    input: { tenantId: tenantIdArg, artifactId },
    readOnly: true,
    call: ({ tenantId, artifactId }, tempo) =>
      tempo.call('GET', tenantPath(tempo, tenantId, filesPath(artifactId))),
  }),
  defineTool({
    name: 'artifact_file_read',
    description:
      'Read one file of an artifact (GET .../artifacts/{artifactId}/files/content?path=): its text in body.content (base64 when isBinary).',
    input: { tenantId: tenantIdArg, artifactId, path: filePath },
    readOnly: true,
    call: ({ tenantId, artifactId, path }, tempo) =>
      tempo.call('GET', tenantPath(tempo, tenantId, `${filesPath(artifactId)}/content`), { query: { path } }),
  }),
  defineTool({
    name: 'artifact_file_save',
    description:
      "Create or replace one text file of an artifact (PUT .../artifacts/{artifactId}/files/content). The artifact's current snapshot is rebuilt, so editing JavaScript or Python source changes what its steps run next (C# is not recompiled). For binary packages use tempo_request on the versions upload route.",
    input: {
      tenantId: tenantIdArg,
      artifactId,
      path: filePath,
      content: requiredText('content', 'the whole text of the file.')
        .max(10_000_000)
        .describe('The whole text of the file.'),
      contentType: z
        .string()
        .min(3)
        .max(200)
        .optional()
        .describe('Media type, e.g. "application/javascript".'),
    },
    readOnly: false,
    call: ({ tenantId, artifactId, path, content, contentType }, tempo) =>
      tempo.call('PUT', tenantPath(tempo, tenantId, `${filesPath(artifactId)}/content`), {
        query: { path },
        body: { content, ...(contentType === undefined ? {} : { contentType }) },
      }),
  }),
];
