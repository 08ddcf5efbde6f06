import { validationFailed } from './errors';

export type JsonObject = Readonly<Record<string, unknown>>;

export const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface StringRule {
  readonly max?: number;
  readonly min?: number;
  readonly pattern?: RegExp;
}

/**
 * Collects field errors like the server's validator (null counts as absent, as Laravel's
 * `nullable` does) and throws one 422 with all of them at `done()`.
 */
export class Validator {
  private readonly errors: Record<string, string[]> = {};

  constructor(private readonly input: JsonObject) {}

  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  has(field: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.input, field);
  }

  /** The server refuses some fields outright (e.g. `idempotency_key` on start). */
  forbid(field: string, message: string): void {
    if (this.has(field)) this.add(field, message);
  }

  string(field: string, rule: StringRule & { readonly required: true }): string;
  string(field: string, rule?: StringRule & { readonly required?: false }): string | undefined;
  string(field: string, rule: StringRule & { readonly required?: boolean } = {}): string | undefined {
    const value = this.input[field];
    if (value === undefined || value === null || value === '') {
      if (rule.required) this.add(field, `The ${field} field is required.`);
      return rule.required ? '' : undefined;
    }
    if (typeof value !== 'string') {
      this.add(field, `The ${field} field must be a string.`);
      return undefined;
    }
    if (rule.min !== undefined && value.length < rule.min) this.add(field, `The ${field} field must be at least ${rule.min} characters.`);
    if (rule.max !== undefined && value.length > rule.max) this.add(field, `The ${field} field must not be greater than ${rule.max} characters.`);
    if (rule.pattern && !rule.pattern.test(value)) this.add(field, `The ${field} field format is invalid.`);
    return value;
  }

  integer(field: string, rule: { readonly min?: number; readonly max?: number; readonly required?: boolean } = {}): number | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) {
      if (rule.required) this.add(field, `The ${field} field is required.`);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(field, `The ${field} field must be an integer.`);
      return undefined;
    }
    if (rule.min !== undefined && value < rule.min) this.add(field, `The ${field} field must be at least ${rule.min}.`);
    if (rule.max !== undefined && value > rule.max) this.add(field, `The ${field} field must not be greater than ${rule.max}.`);
    return value;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], rule: { readonly required?: boolean } = {}): T | undefined {
    const value = rule.required ? this.string(field, { required: true }) : this.string(field);
    if (value === undefined || value === '') return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.add(field, `The selected ${field} is invalid; allowed: ${allowed.join(', ')}.`);
      return undefined;
    }
    return value as T;
  }

  /** Laravel's `array` rule: a JSON list or object. */
  arrayLike(field: string): unknown {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object') this.add(field, `The ${field} field must be an array.`);
    return value;
  }

  object(field: string): JsonObject | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) {
      this.add(field, `The ${field} field must be a JSON object.`);
      return undefined;
    }
    return value;
  }

  date(field: string): string | null | undefined {
    const value = this.input[field];
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      this.add(field, `The ${field} field must be a valid date.`);
      return undefined;
    }
    return new Date(value).toISOString();
  }

  done(): void {
    if (Object.keys(this.errors).length > 0) throw validationFailed(this.errors);
  }
}
