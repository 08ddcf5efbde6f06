import { Module } from '@nestjs/common';
import { AccessReviewController } from './access-review.controller';
import { AccessReviewQueries } from './access-review.queries';
import { AuditExport } from './audit-export';
import { AuditLogQueries } from './audit-log.queries';
import { AuditSigner } from './audit-signer';
import { AuditController } from './audit.controller';
import { auditCommandHandlers } from './audit.commands';
import { EventReplay } from './event-replay';
import './audit.openapi';

/**
 * Audit: the organization's hash-chained audit log (every command and every denial), its signed
 * checkpoints and verifiable exports, access review as of any instant, and the event replay.
 */
@Module({
  controllers: [AuditController, AccessReviewController],
  providers: [...auditCommandHandlers, AuditLogQueries, AuditSigner, AuditExport, EventReplay, AccessReviewQueries],
})
export class AuditModule {}
