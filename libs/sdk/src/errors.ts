/** What the API said went wrong (every error it answers has this body). */
export interface ApiErrorBody {
  statusCode: number;
  /** Stable and machine-readable: branch on this, never on the message. */
  code: string;
  message: string;
  details?: { field: string; problems: string[] }[] | Record<string, unknown>;
}

/** An answer of 4xx or 5xx from the API, or no answer at all (`status` 0, `code` NETWORK_ERROR). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ApiErrorBody['details'],
  ) {
    super(message);
  }

  static fromBody(status: number, body: unknown): ApiError {
    const known = typeof body === 'object' && body !== null ? (body as Partial<ApiErrorBody>) : {};
    return new ApiError(
      status,
      typeof known.code === 'string' ? known.code : `HTTP_${status}`,
      typeof known.message === 'string' ? known.message : `HTTP ${status}`,
      known.details,
    );
  }

  /** Worth sending again: no answer, or the server's trouble (5xx), never a refusal (4xx). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}
