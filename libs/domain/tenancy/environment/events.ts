export type EnvironmentCreated = {
  readonly type: 'EnvironmentCreated';
  readonly data: {
    readonly organization_id: string; readonly environment_id: string; readonly project: string;
    readonly name: string; readonly description: string; readonly created_at: string;
  };
};
export type EnvironmentUpdated = {
  readonly type: 'EnvironmentUpdated';
  readonly data: { readonly organization_id: string; readonly project: string; readonly name: string; readonly description: string; readonly updated_at: string };
};
export type EnvironmentEvent = EnvironmentCreated | EnvironmentUpdated;
export const ENVIRONMENT_EVENT_TYPES: ReadonlySet<EnvironmentEvent['type']> = new Set(['EnvironmentCreated', 'EnvironmentUpdated']);
