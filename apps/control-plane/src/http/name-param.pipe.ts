import { Injectable, PipeTransform } from '@nestjs/common';
import { isDnsLabel } from '../../../../libs/domain/tenancy/names';
import { notFoundProblem } from './problem';

/** A path segment that is not a DNS label names nothing that can exist: 404, and no stream is touched. */
@Injectable()
export class NameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isDnsLabel(value)) throw notFoundProblem(`${JSON.stringify(String(value).slice(0, 80))}`);
    return value;
  }
}
