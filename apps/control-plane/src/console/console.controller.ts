import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { CONSOLE_PAGE } from './console-page';

@Public()
@ApiExcludeController()
@Controller()
export class ConsoleController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
  page(): string {
    return CONSOLE_PAGE;
  }
}
