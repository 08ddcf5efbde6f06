import { Injectable, PipeTransform } from '@nestjs/common';
import { notFoundProblem } from '../http/problem';
import { isWellFormedId } from '../http/well-formed-id';

/** A path segment that cannot be an id names nothing that can exist: 404, and no stream is touched. */
@Injectable()
export class IdParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isWellFormedId(value)) throw notFoundProblem(JSON.stringify(String(value).slice(0, 80)));
    return value;
  }
}
