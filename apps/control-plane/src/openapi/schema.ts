import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * A few builders for response schemas (OpenAPI 3.0, which the document is), so each context's
 * `*.openapi.ts` reads like the JSON it describes. `named()` makes a component (`#/components/schemas/…`)
 * that client generators turn into a named type.
 */
export type Schema = SchemaObject | { $ref: string };

export const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
export const dateTime = (description?: string): SchemaObject => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
export const num = (description?: string): SchemaObject => ({ type: 'number', ...(description ? { description } : {}) });
export const int = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
export const bool = (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) });
export const oneOf = (...values: string[]): SchemaObject => ({ type: 'string', enum: values });
export const nullable = (schema: Schema): Schema => ('$ref' in schema ? { type: 'object', allOf: [schema], nullable: true } : { ...schema, nullable: true });
export const arr = (items: Schema): SchemaObject => ({ type: 'array', items });
/** Any JSON object (documents whose fields belong to another contract, such as a runtime target's answer). */
export const anyObject = (description?: string): SchemaObject => ({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) });

/** An object whose properties are all required unless listed in `optional`. */
export const obj = (properties: Record<string, Schema>, optional: readonly string[] = []): SchemaObject => {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
};

/** A page of a list: `{<items>: [...], next_cursor}`. */
export const page = (key: string, item: Schema): SchemaObject =>
  obj({ [key]: arr(item), next_cursor: nullable(str('pass as ?cursor= for the next page; null on the last page')) });

const components = new Map<string, SchemaObject>();

/** Registers a named schema and answers its reference. */
export function named(name: string, schema: SchemaObject): { $ref: string } {
  if (components.has(name) && components.get(name) !== schema) throw new Error(`OpenAPI schema ${name} declared twice`);
  components.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

export const namedSchemas = (): ReadonlyMap<string, SchemaObject> => components;

/** Fields every versioned resource carries (stream revision and weak ETag). */
export const versioned = {
  resource_version: str('the resource\'s stream revision; send it back as If-Match'),
  etag: str('weak ETag, W/"<resource_version>"'),
};
