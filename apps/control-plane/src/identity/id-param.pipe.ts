import { Injectable, PipeTransform } from '@nestjs/common';
import { notFoundProblem } from '../http/problem';

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** A path segment that cannot be an id names nothing that can exist: 404, and no stream is touched. */
@Injectable()
export class IdParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !ID.test(value)) throw notFoundProblem(JSON.stringify(String(value).slice(0, 80)));
    return value;
  }
}
