import type { OperationOutcome } from 'fhir/r4';

export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'not-found'
  | 'too-costly'
  | 'not-supported'
  | 'exception'
  | 'incomplete'
  | 'security'
  | 'timeout'
  | 'throttled'
  | 'transient';

/**
 * An error the caller can act on: HTTP status plus an OperationOutcome naming the field.
 * Thrown anywhere below the routes; `errorHandler` turns it into the response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toOperationOutcome(): OperationOutcome {
    return operationOutcome(this.code, this.message, this.field);
  }
}

export function operationOutcome(code: IssueCode, text: string, field?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text }, ...(field ? { expression: [field] } : {}) }],
  };
}
