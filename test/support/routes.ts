import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AUDIENCE_KEY, RouteAudience } from '../../apps/control-plane/src/auth/decorators';

export interface RegisteredRoute {
  readonly method: string;
  /** Nest path syntax, with a leading slash: `/api/v1/projects/:project`. */
  readonly path: string;
  readonly audience: RouteAudience;
  readonly controller: string;
  readonly handler: string;
  /** Registered with `@All()`: one entry per method the router serves it for. */
  readonly all: boolean;
}

const asArray = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value ?? '')]);
const joinPath = (prefix: string, path: string) => `/${[prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** Methods `fetch` refuses to send (and so no client of ours can): CONNECT, TRACE, TRACK. */
const UNSENDABLE = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * `ALL` routes answer every method the HTTP server supports (Fastify registers `all()` for its
 * `supportedMethods`, WebDAV verbs included): each one is a separate route to exercise.
 */
const methodsOf = (method: RequestMethod, supported: readonly string[]): string[] =>
  method === RequestMethod.ALL ? supported.filter((m) => !UNSENDABLE.has(m)) : [RequestMethod[method]];

/**
 * Every route the Nest router serves, read from the controllers' metadata (the same metadata the
 * router registers from), with the audience the AuthGuard reads (`@Public()`, `@OperatorOnly()`, …).
 * Routes added later are found without touching the tests that use this.
 */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  const scanner = new MetadataScanner();
  const supported = [...(app.getHttpAdapter().getInstance() as { supportedMethods: string[] }).supportedMethods].sort();
  const routes: RegisteredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller));
      const classAudience = Reflect.getMetadata(AUDIENCE_KEY, controller) as RouteAudience | undefined;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler);
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const audience = (Reflect.getMetadata(AUDIENCE_KEY, handler) as RouteAudience | undefined) ?? classAudience ?? 'organization';
        for (const prefix of prefixes) {
          for (const path of asArray(paths)) {
            for (const verb of methodsOf(method, supported)) {
              routes.push({ method: verb, path: joinPath(prefix, path), audience, controller: controller.name, handler: name, all: method === RequestMethod.ALL });
            }
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The names of a route's path parameters, wildcards included (`:project`, `*path`, `{*path}`; a bare `*` is named `*`). */
export const pathParams = (path: string): string[] =>
  [...path.matchAll(/[:*]([A-Za-z_][A-Za-z0-9_]*)|\*(?![A-Za-z_])/g)].map((m) => m[1] ?? '*');

/** The route's path with each parameter replaced by `valueOf(name, path)` (a bare `*` is asked for as `*`). */
export const fillPath = (path: string, valueOf: (name: string, path: string) => string): string =>
  path
    .replace(/\{\*([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => valueOf(name, path))
    .replace(/\*([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => valueOf(name, path))
    .replace(/:([A-Za-z_][A-Za-z0-9_]*)\??/g, (_, name: string) => encodeURIComponent(valueOf(name, path)))
    .replace(/\*(?![A-Za-z_])/g, () => valueOf('*', path));

/** OpenAPI spelling of a Nest path (`:project` → `{project}`, a bare `*` → `{path}` as @nestjs/swagger names it), to find its operation in /docs/openapi.json. */
export const openApiPath = (path: string): string =>
  path.replace(/\{\*([A-Za-z_][A-Za-z0-9_]*)\}|\*([A-Za-z_][A-Za-z0-9_]*)|:([A-Za-z_][A-Za-z0-9_]*)\??|\*(?![A-Za-z_])/g,
    (_, a?: string, b?: string, c?: string) => `{${a ?? b ?? c ?? 'path'}}`);
