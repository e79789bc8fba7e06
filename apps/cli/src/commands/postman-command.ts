import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiRouteTableOf, buildOpenApiDocument, postmanCollectionOf, withRouteTable } from '@tempo/server';
import { REPO_ROOT } from '../repo-paths.ts';

/** Where the generated Postman collection lives. */
export const POSTMAN_COLLECTION = join(REPO_ROOT, 'postman', 'tempo.postman_collection.json');

/** The REST API page whose route table is generated. */
export const API_PAGE = join(REPO_ROOT, 'docs', 'api.md');

/**
 * `./tempo postman`: writes the Postman collection generated from the OpenAPI document, and the
 * route table of docs/api.md from the same document.
 */
export const runPostman = async (): Promise<number> => {
  const document = await buildOpenApiDocument();
  const collection = postmanCollectionOf(document);
  await writeFile(POSTMAN_COLLECTION, `${JSON.stringify(collection, null, 2)}\n`);
  await writeFile(API_PAGE, withRouteTable(await readFile(API_PAGE, 'utf8'), apiRouteTableOf(document)));
  const count = collection.item.reduce((sum, folder) => sum + folder.item.length, 0);
  process.stdout.write(
    `tempo postman: wrote ${count} requests to postman/tempo.postman_collection.json and the route table of docs/api.md\n`,
  );
  return 0;
};
