import { omitNullProperties } from '@tempo/contracts';
import { ResponseSerializationError, serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** What Fastify hands a serializer compiler: the route's response schema for one status. */
type SerializerRoute = Parameters<typeof serializerCompiler>[0];

/** The zod schema of a response entry: the schema itself, or `{ properties: schema }`. */
const zodSchemaOf = (schema: SerializerRoute['schema']): z.core.$ZodType | null => {
  if (schema instanceof z.core.$ZodType) return schema;
  const properties = (schema as { properties?: unknown } | null)?.properties;
  return properties instanceof z.core.$ZodType ? properties : null;
};

/**
 * The API's response serializer: the zod type provider's, with the null-property rule applied
 * (a declared nullable property of our records whose value is null is left out, as v0.3.0 does;
 * user JSON keeps its nulls). A schema that declares no nullable property gets the provider's
 * serializer unchanged, so answers without records pay nothing.
 */
export const responseSerializerCompiler = (route: SerializerRoute): ((data: unknown) => string) => {
  const schema = zodSchemaOf(route.schema);
  const omit = schema === null ? null : omitNullProperties(schema);
  if (schema === null || omit === null) return serializerCompiler(route);
  return (data) => {
    const encoded = z.safeEncode(schema, data);
    if (!encoded.success)
      throw new ResponseSerializationError(route.method, route.url, { cause: encoded.error });
    return JSON.stringify(omit(encoded.data));
  };
};
