/** One stream per command, named by its audit id: recording never contends with other commands. */
export const runtimeCommandStream = (organizationId: string, auditId: string) => `runtime_command-${organizationId}.${auditId}`;
