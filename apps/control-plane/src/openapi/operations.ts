import { Type } from '@nestjs/common';
import { Schema } from './schema';

/** How one route is documented: the summary, its success answer and the problems peculiar to it. */
export interface OperationDoc {
  readonly summary: string;
  readonly description?: string;
  /**
   * The success answer's schema (the status is the one Nest answers with, from `@HttpCode`); `null` for
   * an answer without a body (204).
   */
  readonly returns: Schema | null;
  /** The success status, for handlers that answer through the reply (`@Res()`) where Nest cannot see it. */
  readonly status?: number;
  /** Other success answers (a dry run's permission diff). */
  readonly also?: readonly { readonly status: number; readonly description: string; readonly schema?: Schema }[];
  /** Media type of the success answer when it is not JSON (CSV export, NDJSON events). */
  readonly produces?: string;
  /** Problem statuses beyond the ones every route of its kind has (see openapi-document.ts). */
  readonly problems?: readonly number[];
}

export const OPERATION_DOC = 'dwc:openapi:operation';

/**
 * Documents a controller's routes from one place beside it (`<context>.openapi.ts`), without touching the
 * controller. Every method named must exist (a renamed handler fails at startup, naming it), and the
 * OpenAPI test names every route left undocumented.
 */
export function documentRoutes<T>(controller: Type<T>, docs: { readonly [K in keyof T]?: OperationDoc }): void {
  for (const [method, doc] of Object.entries(docs) as [string, OperationDoc][]) {
    const handler = (controller.prototype as Record<string, unknown>)[method];
    if (typeof handler !== 'function') throw new Error(`documentRoutes: ${controller.name} has no method ${method}`);
    Reflect.defineMetadata(OPERATION_DOC, doc, handler);
  }
}

/**
 * The same, as a decorator on the handler, for a new controller that prefers its documentation inline:
 * `@Documented({ summary: 'Get a widget', returns: Widget })`.
 */
export const Documented = (doc: OperationDoc): MethodDecorator => (_target, _key, descriptor) => {
  Reflect.defineMetadata(OPERATION_DOC, doc, descriptor.value as object);
};
