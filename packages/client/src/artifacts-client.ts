import {
  ArtifactFileChangeResponse,
  ArtifactFileContent,
  ArtifactFileInfo,
  type ArtifactRecord,
  ArtifactVersionRecord,
  type CreateArtifactRequest,
  type Page,
  type PageQueryInput,
  pageOf,
  type SaveArtifactFileRequest,
  type UpdateArtifactRequest,
  type UploadArtifactVersionQuery,
} from '@tempo/contracts';
import { z } from 'zod';
import { CrudClient } from './crud-client.ts';
import { segment } from './request-url.ts';

/** Artifacts of a tenant: metadata, the mutable file tree, and uploaded versions. */
export class ArtifactsClient extends CrudClient<
  typeof ArtifactRecord,
  typeof CreateArtifactRequest,
  typeof UpdateArtifactRequest
> {
  /** The files of the mutable tree. */
  files(artifactId: string): Promise<ArtifactFileInfo[]> {
    return this.transport.request('GET', this.item(artifactId, '/files'), z.array(ArtifactFileInfo));
  }

  /** One file with its content (base64 when binary). */
  readFile(artifactId: string, path: string): Promise<ArtifactFileContent> {
    return this.transport.request('GET', this.item(artifactId, '/files/content'), ArtifactFileContent, {
      query: { path },
    });
  }

  /** Creates or replaces a file; the answer says whether the `current` snapshot was rebuilt. */
  saveFile(
    artifactId: string,
    path: string,
    body: z.input<typeof SaveArtifactFileRequest>,
  ): Promise<ArtifactFileChangeResponse> {
    return this.transport.request(
      'PUT',
      this.item(artifactId, '/files/content'),
      ArtifactFileChangeResponse,
      {
        query: { path },
        body,
      },
    );
  }

  deleteFile(artifactId: string, path: string): Promise<ArtifactFileChangeResponse> {
    return this.transport.request(
      'DELETE',
      this.item(artifactId, '/files/content'),
      ArtifactFileChangeResponse,
      {
        query: { path },
      },
    );
  }

  /** Uploads zip bytes as a version (`version=current` imports them into the mutable tree). */
  uploadVersion(
    artifactId: string,
    bytes: Uint8Array,
    query: UploadArtifactVersionQuery = {},
  ): Promise<ArtifactVersionRecord> {
    return this.transport.request('POST', this.item(artifactId, '/versions'), ArtifactVersionRecord, {
      query: { ...query },
      rawBody: bytes,
      contentType: 'application/zip',
    });
  }

  versions(artifactId: string, query: PageQueryInput = {}): Promise<Page<ArtifactVersionRecord>> {
    return this.transport.request('GET', this.item(artifactId, '/versions'), pageOf(ArtifactVersionRecord), {
      query,
    });
  }

  version(artifactId: string, version: string): Promise<ArtifactVersionRecord> {
    return this.transport.request(
      'GET',
      this.item(artifactId, `/versions/${segment(version)}`),
      ArtifactVersionRecord,
    );
  }

  /** The package bytes of a version. */
  download(artifactId: string, version: string): Promise<Uint8Array> {
    return this.transport.bytes('GET', this.item(artifactId, `/versions/${segment(version)}/download`));
  }

  deleteVersion(artifactId: string, version: string): Promise<void> {
    return this.transport.send('DELETE', this.item(artifactId, `/versions/${segment(version)}`));
  }
}
