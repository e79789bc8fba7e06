import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildOpenApiDocument, postmanCollectionOf } from '@tempo/server';
import { REPO_ROOT } from '../repo-paths.ts';

/** Where the generated Postman collection lives. */
export const POSTMAN_COLLECTION = join(REPO_ROOT, 'postman', 'tempo.postman_collection.json');

/** `./tempo postman`: writes the Postman collection generated from the OpenAPI document. */
export const runPostman = async (): Promise<number> => {
  const collection = postmanCollectionOf(await buildOpenApiDocument());
  await writeFile(POSTMAN_COLLECTION, `${JSON.stringify(collection, null, 2)}\n`);
  const count = collection.item.reduce((sum, folder) => sum + folder.item.length, 0);
  process.stdout.write(`tempo postman: wrote ${count} requests to postman/tempo.postman_collection.json\n`);
  return 0;
};
