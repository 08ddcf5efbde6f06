import { Injectable } from '@nestjs/common';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { AuditCheckpoint } from '../../../../libs/domain/audit/checkpoints/events';
import { AUDIT_EXPORT_FORMAT, ExportHeader } from '../../../../libs/domain/audit/export-verification';
import { auditEntryRepresentation, AuditLogQueries, checkpointRepresentation } from './audit-log.queries';
import { AuditSigner } from './audit-signer';

const PAGE = 2000;

const split = (position: string): [string, string] => position.split('.') as [string, string];
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/**
 * The audit export (format in libs/domain/audit/export-verification.ts): the contiguous run of the
 * chain that holds every entry of [since, until), extended back to the checkpoint before it (the
 * anchor) and forward to the first checkpoint at or after its last entry (signed now when there is
 * none yet), with those checkpoints — so `npm run cli -- audit verify` can prove it offline.
 */
@Injectable()
export class AuditExport {
  constructor(
    private readonly queries: AuditLogQueries,
    private readonly signer: AuditSigner,
  ) {}

  /** Prepares the export (signing a closing checkpoint when needed) and returns its lines, read page by page as they are consumed. */
  async open(organizationId: string, range: { since?: string; until?: string }, context: CommandContext): Promise<AsyncIterable<string>> {
    const header: ExportHeader = {
      kind: 'header', format: AUDIT_EXPORT_FORMAT, organization_id: organizationId,
      since: range.since ?? null, until: range.until ?? null, exported_at: context.now,
    };
    const [first] = await this.queries.entries(organizationId, { since: range.since, until: range.until, limit: 1 });
    const [last] = await this.queries.entries(organizationId, { since: range.since, until: range.until, limit: 1, descending: true });
    if (!first || !last) return (async function* () { yield line(header); })();
    const firstPosition: [string, string] = [String(first.commit_position), String(first.prepare_position)];
    const lastPosition: [string, string] = [String(last.commit_position), String(last.prepare_position)];
    const anchorRow = await this.queries.checkpointNear(organizationId, firstPosition, 'before');
    let closing: AuditCheckpoint | undefined;
    const closingRow = await this.queries.checkpointNear(organizationId, lastPosition, 'at_or_after');
    if (closingRow) closing = checkpointRepresentation(closingRow);
    else closing = (await this.signer.signHead(organizationId, context))?.checkpoint;
    if (!closing) throw new Error('the organization has entries but its chain head could not be signed');
    const anchor = anchorRow ? checkpointRepresentation(anchorRow) : null;
    const inside = (await this.queries.checkpointsBetween(organizationId, firstPosition, split(closing.position))).map(checkpointRepresentation);
    const checkpoints = [...(anchor ? [anchor] : []), ...inside.filter((c) => c.position !== closing.position), closing];
    const queries = this.queries;
    const through = split(closing.position);
    return (async function* () {
      yield line(header);
      yield checkpoints.map((c) => line({ kind: 'checkpoint', ...c })).join('');
      let after: [string, string] | undefined = anchor ? split(anchor.position) : undefined;
      for (;;) {
        const rows = await queries.entries(organizationId, { after, through, limit: PAGE });
        if (rows.length > 0) yield rows.map((row) => line({ kind: 'entry', ...auditEntryRepresentation(row), organization_id: row.organization_id })).join('');
        if (rows.length < PAGE) return;
        const tail = rows[rows.length - 1];
        after = [String(tail.commit_position), String(tail.prepare_position)];
      }
    })();
  }
}
