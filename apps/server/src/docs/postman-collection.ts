import {
  errorCodesOf,
  isSecured,
  type ListedOperation,
  listOperations,
  type OpenApiDocumentLike,
} from './openapi-operations.ts';
import { GETTING_STARTED, type GuidedRequest } from './postman-getting-started.ts';
import { cleanupOrder, folderRank, inDependencyOrder, isDestructive } from './postman-order.ts';
import {
  answerChecks,
  captureCreatedId,
  captureFirstListedId,
  collectionPrerequest,
  type PostmanEvent,
  prerequestEvent,
  testEvent,
} from './postman-scripts.ts';
import {
  createdVariableOf,
  listedVariableOf,
  postmanPathOf,
  SEEDED_VARIABLES,
  variablesIn,
} from './postman-variables.ts';
import { schemaExample } from './schema-example.ts';

interface PostmanQueryParam {
  readonly key: string;
  readonly value: string;
  readonly description?: string;
  readonly disabled?: boolean;
}

interface PostmanRequestItem {
  readonly name: string;
  readonly event: readonly PostmanEvent[];
  readonly request: {
    readonly method: string;
    readonly header: readonly { key: string; value: string }[];
    readonly url: { raw: string; host: string[]; path: string[]; query?: PostmanQueryParam[] };
    readonly description?: string;
    readonly body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
  };
}

/** A Postman v2.1 collection. */
export interface PostmanCollection {
  readonly info: { name: string; description: string; schema: string };
  readonly event: readonly PostmanEvent[];
  readonly variable: readonly { key: string; value: string }[];
  readonly item: readonly { name: string; description?: string; item: PostmanRequestItem[] }[];
}

/**
 * A PUT that would replace a whole document is sent back as it was read, so a run changes
 * nothing it cannot undo: the settings file goes back unchanged (secrets read as `****` keep
 * their stored values).
 */
const SAVE_AS_READ: Readonly<Record<string, { readonly readBy: string; readonly field: string }>> = {
  updateSettings: { readBy: 'readSettings', field: 'settings' },
};

const variableForSaved = (operationId: string) => `${operationId}Body`;

/** The collection variables a script line sets. */
const variablesSetBy = (line: string): string[] =>
  [...line.matchAll(/collectionVariables\.set\("?'?(\w+)/g)].flatMap((match) => (match[1] ? [match[1]] : []));

const jsonSchemaOf = (listed: ListedOperation) =>
  listed.operation.requestBody?.content?.['application/json']?.schema;

const exampleBody = (document: OpenApiDocumentLike, listed: ListedOperation, known: ReadonlySet<string>) => {
  const schema = jsonSchemaOf(listed);
  if (!schema) return undefined;
  const variableFor = (field: string) => {
    const variable = field === 'dataFlowId' ? 'flowId' : field;
    return variable.endsWith('Id') && known.has(variable) ? variable : undefined;
  };
  return schemaExample(schema, { document, variableFor });
};

const queryOf = (document: OpenApiDocumentLike, listed: ListedOperation): PostmanQueryParam[] =>
  (listed.operation.parameters ?? [])
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => ({
      key: parameter.name,
      value: String(
        schemaExample(parameter.schema ?? {}, { document, variableFor: () => undefined }, parameter.name),
      ),
      ...(parameter.description ? { description: parameter.description } : {}),
      // Optional filters are listed for reference but not sent, so the example answers everything.
      ...(parameter.required ? {} : { disabled: true }),
    }));

interface ItemContext {
  readonly document: OpenApiDocumentLike;
  readonly all: readonly ListedOperation[];
  readonly known: ReadonlySet<string>;
  readonly errorCodes: readonly string[];
}

const itemOf = (
  context: ItemContext,
  listed: ListedOperation,
  guided?: GuidedRequest,
): PostmanRequestItem => {
  const { operation } = listed;
  const saved = SAVE_AS_READ[listed.name];
  const body = guided?.body ?? exampleBody(context.document, listed, context.known);
  const raw = saved
    ? `{{${variableForSaved(listed.name)}}}`
    : body === undefined
      ? undefined
      : JSON.stringify(body, null, 2);
  const readsFor = Object.entries(SAVE_AS_READ).find(([, value]) => value.readBy === listed.name);
  const created = guided ? undefined : createdVariableOf(listed, context.all);
  const listedVariable = listedVariableOf(listed, context.all);
  const tests = [
    ...answerChecks(context.errorCodes),
    ...(guided?.tests ?? []),
    ...(created ? captureCreatedId(created) : []),
    ...(listedVariable ? captureFirstListedId(listedVariable) : []),
    ...(readsFor
      ? [
          'if (pm.response.code === 200) {',
          `  pm.collectionVariables.set(${JSON.stringify(variableForSaved(readsFor[0]))}, JSON.stringify(pm.response.json().${readsFor[1].field}));`,
          '}',
        ]
      : []),
  ];
  const path = postmanPathOf(listed.path);
  const query = queryOf(context.document, listed);
  const sent = query.filter((parameter) => !parameter.disabled);
  const description = [guided?.purpose, operation.summary, operation.description]
    .filter(Boolean)
    .join('\n\n');
  return {
    name: listed.name,
    event: [...(guided?.prerequest ? [prerequestEvent(guided.prerequest)] : []), testEvent(tests)],
    request: {
      method: listed.method,
      header: [
        ...(isSecured(operation) ? [{ key: 'authorization', value: 'Bearer {{token}}' }] : []),
        ...(raw !== undefined ? [{ key: 'content-type', value: 'application/json' }] : []),
      ],
      url: {
        raw: `{{baseUrl}}/${path.join('/')}${sent.length ? `?${sent.map((p) => `${p.key}=${p.value}`).join('&')}` : ''}`,
        host: ['{{baseUrl}}'],
        path,
        ...(query.length ? { query } : {}),
      },
      ...(description ? { description } : {}),
      ...(raw !== undefined ? { body: { mode: 'raw', raw, options: { raw: { language: 'json' } } } } : {}),
    },
  };
};

/**
 * Turns the OpenAPI document into the runnable Postman collection in `postman/`: a "Getting
 * started" folder that signs in with the seeded administrator and runs a first flow, one folder
 * per tag for every other non-destructive operation, and a "Clean up" folder with the deletes.
 * Every request checks its answer, bodies are examples made from the request schemas, and ids
 * flow between requests through collection variables. Generated, so it cannot drift.
 */
export const postmanCollectionOf = (document: OpenApiDocumentLike): PostmanCollection => {
  const all = listOperations(document);
  const guidedIds = new Set(GETTING_STARTED.map((guided) => guided.operationId));
  const paths = all.map((listed) => postmanPathOf(listed.path).join('/'));
  const known = new Set([...SEEDED_VARIABLES.map((variable) => variable.key), ...paths.flatMap(variablesIn)]);
  const context: ItemContext = { document, all, known, errorCodes: errorCodesOf(document) };
  const guided = GETTING_STARTED.flatMap((request) => {
    const listed = all.find((candidate) => candidate.name === request.operationId);
    return listed ? [itemOf(context, listed, request)] : [];
  });
  const rest = all.filter((listed) => !guidedIds.has(listed.name));
  const bodyVariables = (listed: ListedOperation) =>
    variablesIn(JSON.stringify(exampleBody(document, listed, known) ?? ''));
  const createdBy = (listed: ListedOperation) => {
    const variable = createdVariableOf(listed, all);
    return variable ? [variable] : [];
  };
  const tags = [
    ...new Set([...(document.tags ?? []).map((tag) => tag.name), ...rest.map((listed) => listed.tag)]),
  ];
  const grouped = tags.flatMap((tag) => {
    const inFolder = rest.filter((listed) => listed.tag === tag && !isDestructive(listed));
    const creates = inDependencyOrder(
      inFolder.filter((listed) => folderRank(listed, all) === 0),
      bodyVariables,
      createdBy,
    );
    const others = inFolder
      .filter((listed) => folderRank(listed, all) > 0)
      .sort((a, b) => folderRank(a, all) - folderRank(b, all));
    return inFolder.length ? [{ name: tag, operations: [...creates, ...others] }] : [];
  });
  const folderOrder = inDependencyOrder(
    grouped,
    (folder) => folder.operations.filter((listed) => folderRank(listed, all) === 0).flatMap(bodyVariables),
    (folder) => folder.operations.flatMap(createdBy),
  );
  const folders = folderOrder.map((folder) => ({
    name: folder.name,
    item: folder.operations.map((listed) => itemOf(context, listed)),
  }));
  const creationOrder = [
    ...GETTING_STARTED.flatMap((request) => request.tests.flatMap(variablesSetBy)),
    ...folderOrder.flatMap((folder) => folder.operations.flatMap(createdBy)),
  ];
  const cleanup = rest
    .filter(isDestructive)
    .sort(cleanupOrder((variable) => creationOrder.indexOf(variable)));
  const variables = [...known].filter((key) => !SEEDED_VARIABLES.some((seeded) => seeded.key === key));
  return {
    info: {
      name: 'Tempo',
      description: `${document.info.title} ${document.info.version}. Generated from /openapi.json by ./tempo postman. Signs in with the administrator the settings seed by default (adminEmail, adminPassword); ./tempo up generates that password, so against its server set adminPassword to hydration.defaultAdminPassword or adminApiKey to auth.adminApiKey from .tempo-data/tempo.json (a set adminApiKey is sent as x-api-key instead of the token). Run the folders in order; "Clean up" deletes only what the run created.`,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    event: [collectionPrerequest()],
    variable: [
      ...SEEDED_VARIABLES,
      ...[
        'token',
        'runStamp',
        'stepKey',
        ...Object.keys(SAVE_AS_READ).map(variableForSaved),
        ...variables.sort(),
      ].map((key) => ({ key, value: '' })),
    ],
    item: [
      {
        name: 'Getting started',
        description: 'Sign in, create a step, a flow and a Public trigger, fire it, read the run.',
        item: guided,
      },
      ...folders,
      {
        name: 'Clean up',
        description:
          'Deletes what the run created (never the seeded tenant or administrator), then revokes the sign-in.',
        item: cleanup.map((listed) => itemOf(context, listed)),
      },
    ],
  };
};
