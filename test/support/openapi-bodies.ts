/**
 * Plausible JSON request bodies from the application's own OpenAPI document: each operation's
 * request schema, filled with its examples (else its first enum value, else a value of its type), and
 * then with caller-chosen values for fields it knows by name. Routes added later get a body without
 * any change here, as long as their DTOs describe themselves (@ApiProperty with an example).
 */

type Schema = {
  $ref?: string;
  type?: string;
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  format?: string;
};

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  readonly components?: { schemas?: Record<string, Schema> };
}

const resolve = (doc: OpenApiDocument, schema: Schema): Schema => {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return doc.components?.schemas?.[name] ?? {};
};

function sample(doc: OpenApiDocument, input: Schema, overrides: Readonly<Record<string, unknown>>, depth: number): unknown {
  const schema = resolve(doc, input);
  if (depth > 6) return null;
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(doc, s, overrides, depth + 1)));
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return sample(doc, variant, overrides, depth + 1);
  if (schema.properties) {
    const required = new Set(schema.required ?? []);
    const body: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      if (name in overrides) body[name] = overrides[name];
      else if (required.has(name) || resolve(doc, property).example !== undefined || resolve(doc, property).properties) {
        body[name] = sample(doc, property, overrides, depth + 1);
      }
    }
    return body;
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'boolean': return false;
    case 'integer':
    case 'number': return schema.minimum ?? 1;
    case 'array': return schema.items ? [sample(doc, schema.items, overrides, depth + 1)] : [];
    case 'string': return schema.format === 'date-time' ? '2030-01-01T00:00:00Z' : 'probe';
    default: return {};
  }
}

/** The body for `method openApiPath`, or `{}` when the operation takes none. */
export function sampleBody(doc: OpenApiDocument, method: string, path: string, overrides: Readonly<Record<string, unknown>> = {}): unknown {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  return schema ? sample(doc, schema, overrides, 0) : {};
}
