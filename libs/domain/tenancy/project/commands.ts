import { DomainCommand } from '../../shared/event';

export type CreateProject = DomainCommand<'CreateProject', { readonly project_id: string; readonly name: string; readonly description?: string }>;
export type UpdateProject = DomainCommand<'UpdateProject', { readonly description: string }>;
export type ProjectCommand = CreateProject | UpdateProject;
