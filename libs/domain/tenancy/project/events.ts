export type ProjectCreated = {
  readonly type: 'ProjectCreated';
  readonly data: { readonly organization_id: string; readonly project_id: string; readonly name: string; readonly description: string; readonly created_at: string };
};
export type ProjectUpdated = {
  readonly type: 'ProjectUpdated';
  readonly data: { readonly organization_id: string; readonly name: string; readonly description: string; readonly updated_at: string };
};
export type ProjectEvent = ProjectCreated | ProjectUpdated;
export const PROJECT_EVENT_TYPES: ReadonlySet<ProjectEvent['type']> = new Set(['ProjectCreated', 'ProjectUpdated']);
