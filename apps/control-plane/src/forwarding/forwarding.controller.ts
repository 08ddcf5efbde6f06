import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/decorators';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { NameParam } from '../http/name-param.pipe';
import { RuntimeCommandForwarder } from './runtime-command-forwarder';

/**
 * `ANY /api/v1/namespaces/{namespace}/runtime/workflows/…` → the active runtime target's
 * `/api/workflows/…`. Registered under Nest, so the app-wide guard authenticates it like every
 * other organization route.
 */
@ApiTags('runtime commands')
@ApiBearerAuth()
@Controller('api/v1')
export class ForwardingController {
  constructor(private readonly forwarder: RuntimeCommandForwarder) {}

  @All('namespaces/:namespace/runtime/*')
  @ApiOperation({ summary: 'Forward a workflow command to the namespace\'s runtime target; the answer is the target\'s' })
  forward(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: OrganizationPrincipal,
    @Param('namespace', NameParam) namespace: string): Promise<void> {
    return this.forwarder.forward(request, reply, principal, namespace);
  }
}
