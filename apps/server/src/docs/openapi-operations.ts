import type { ExampleSchema } from './schema-example.ts';

/** One parameter of an operation, as the exports read it. */
export interface OpenApiParameterLike {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: ExampleSchema;
}

/** One operation of an OpenAPI path item, as the exports read it. */
export interface OpenApiOperationLike {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly security?: readonly unknown[];
  readonly parameters?: readonly OpenApiParameterLike[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: ExampleSchema }>> };
}

/** The parts of an OpenAPI 3.1 document the Postman export and the route table read. */
export interface OpenApiDocumentLike {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly tags?: readonly { readonly name: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperationLike>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, ExampleSchema>> };
}

/** An operation with its method (upper-case) and path (OpenAPI form, `{id}`). */
export interface ListedOperation {
  readonly method: string;
  readonly path: string;
  readonly operation: OpenApiOperationLike;
  /** The operationId, or `METHOD /path` for an operation without one. */
  readonly name: string;
  /** The first tag, `Other` without one. */
  readonly tag: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every operation of the document, sorted by path and then method. */
export const listOperations = (document: OpenApiDocumentLike): ListedOperation[] =>
  Object.keys(document.paths)
    .sort()
    .flatMap((path) => {
      const item = document.paths[path] ?? {};
      return METHODS.flatMap((method) => {
        const operation = item[method];
        if (!operation) return [];
        const upper = method.toUpperCase();
        return [
          {
            method: upper,
            path,
            operation,
            name: operation.operationId ?? `${upper} ${path}`,
            tag: operation.tags?.[0] ?? 'Other',
          },
        ];
      });
    });

/** True when the operation takes credentials (an empty or absent `security` means none). */
export const isSecured = (operation: OpenApiOperationLike): boolean =>
  (operation.security ?? []).some(
    (alternative) => typeof alternative === 'object' && alternative && Object.keys(alternative).length > 0,
  );

/** The error codes of the document's `ErrorBody` schema, the catalogue every error answer uses. */
export const errorCodesOf = (document: OpenApiDocumentLike): readonly string[] => {
  const error = document.components?.schemas?.ErrorBody?.properties?.error;
  return (error?.enum ?? []).filter((code): code is string => typeof code === 'string');
};
