import { seg, type TempoGateway } from '../tempo-gateway.ts';
import { bodyArg, idArg, listArgs, tenantIdArg } from './tool-args.ts';
import { defineTool, type TempoTool } from './tool-definition.ts';

/** One tenant-scoped REST collection and what a model should know about it. */
export interface CollectionSpec {
  /** Tool name prefix: `step` gives `step_list`, `step_get`, ... */
  readonly prefix: string;
  /** Path segment under `/v1.0/tenants/{tenantId}/`. */
  readonly path: string;
  /** What one record is, for descriptions ("data flow"). */
  readonly noun: string;
  /** An id of one record, for descriptions ("flow_..."). */
  readonly idExample: string;
  /** What a list answer holds, appended to the list tool's description. */
  readonly listNote: string;
  /** The body of create and update, described for a model; absent for read-only collections. */
  readonly bodyNote?: string;
}

/** `/v1.0/tenants/{tenantId}/{path}`, the tenant resolved from the argument or the default. */
export const tenantPath = (tempo: TempoGateway, tenantId: string | undefined, path: string): string =>
  `/v1.0/tenants/${seg(tempo.tenantOf(tenantId))}/${path}`;

/** `_list` and `_get` of a collection, plus `_create` and `_update` when it takes a body. */
export const collectionTools = (spec: CollectionSpec): TempoTool[] => {
  const id = idArg('id', `The ${spec.noun} id (e.g. "${spec.idExample}")`);
  const tools: TempoTool[] = [
    defineTool({
      name: `${spec.prefix}_list`,
      description: `List the ${spec.noun}s of a tenant (GET /v1.0/tenants/{tenantId}/${spec.path}), one page at a time. ${spec.listNote}`,
      input: { tenantId: tenantIdArg, ...listArgs },
      readOnly: true,
      call: ({ tenantId, ...query }, tempo) =>
        tempo.call('GET', tenantPath(tempo, tenantId, spec.path), { query }),
    }),
    defineTool({
      name: `${spec.prefix}_get`,
      description: `Read one ${spec.noun} by id (GET /v1.0/tenants/{tenantId}/${spec.path}/{id}).`,
      input: { tenantId: tenantIdArg, id },
      readOnly: true,
      call: ({ tenantId, id }, tempo) =>
        tempo.call('GET', tenantPath(tempo, tenantId, `${spec.path}/${seg(id)}`)),
    }),
  ];
  const bodyNote = spec.bodyNote;
  if (bodyNote === undefined) return tools;
  tools.push(
    defineTool({
      name: `${spec.prefix}_create`,
      description: `Create a ${spec.noun} (POST /v1.0/tenants/{tenantId}/${spec.path}). ${bodyNote} A 400 answer names the body field to fix in body.details.`,
      input: {
        tenantId: tenantIdArg,
        body: bodyArg(`The new ${spec.noun} as the REST API takes it. ${bodyNote}`),
      },
      readOnly: false,
      call: ({ tenantId, body }, tempo) =>
        tempo.call('POST', tenantPath(tempo, tenantId, spec.path), { body }),
    }),
    defineTool({
      name: `${spec.prefix}_update`,
      description: `Update a ${spec.noun} (PUT /v1.0/tenants/{tenantId}/${spec.path}/{id}); fields left out keep their values. ${bodyNote}`,
      input: {
        tenantId: tenantIdArg,
        id,
        body: bodyArg(`The fields of the ${spec.noun} to change. ${bodyNote}`),
      },
      readOnly: false,
      call: ({ tenantId, id, body }, tempo) =>
        tempo.call('PUT', tenantPath(tempo, tenantId, `${spec.path}/${seg(id)}`), { body }),
    }),
  );
  return tools;
};
