import type { ErrorObject } from 'ajv';
import { HttpError } from '../errors';
import { describeSchemaError } from '../schemas';

/** A 400 naming the field of the first schema error, e.g. "context.selections must be array". */
export function schemaRefusal(error: ErrorObject, root = ''): HttpError {
  const problem = describeSchemaError(error, root);
  return new HttpError(
    400,
    error.keyword === 'required' ? 'required' : 'invalid',
    `${problem.field || 'request body'} ${problem.message}`,
    problem.field || undefined,
  );
}
