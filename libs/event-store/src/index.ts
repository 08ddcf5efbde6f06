export * from './event-store';
export * from './errors';
export * from './position';
export { PostgresEventStore } from './postgres/postgres-event-store';
export { createEventStoreSchema } from './postgres/schema';
export * from './command-handling';
export { deterministicEventId } from './event-ids';
