import { FastifyRequest } from 'fastify';

/** The token of `Authorization: Bearer <token>` when it is one plausible token, else undefined. */
export const bearerOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header.trim()) : null;
  return match?.[1];
};
