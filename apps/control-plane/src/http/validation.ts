import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemException } from './problem';

const flatten = (errors: ValidationError[], parent = ''): { field: string; message: string }[] =>
  errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** DTO validation: unknown fields are refused, not silently dropped, and the answer names the field. */
export const validationPipe = () => new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
  exceptionFactory: (errors) => {
    const problems = flatten(errors);
    return new ProblemException(400, 'invalid-request', 'Bad Request', problems.map((p) => p.message).join('; '), {
      field: problems[0]?.field,
      errors: problems,
    });
  },
});
