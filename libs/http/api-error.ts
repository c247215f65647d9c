import { HttpException, HttpStatus } from '@nestjs/common';

/** One problem with one input field: what is wrong and how to fix it. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** The JSON body of every error the API answers. */
export interface ErrorBody {
  statusCode: number;
  /** Stable and machine-readable: clients branch on this, never on the message. */
  code: string;
  /** For a person: what went wrong and what to fix. Never contains secrets. */
  message: string;
  details?: FieldProblem[] | Record<string, unknown>;
  requestId?: string;
}

/** An error with a stable code. Throw it from services and controllers. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super({ statusCode: status, code, message, details }, status);
  }
}

/** The code an error without one of its own gets, from its HTTP status. */
export function codeForStatus(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (name) return name;
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}
