import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Environment } from '../config/environment';
import { ApiError } from '../http/api-error';
import { bearerToken, secretsEqual } from './constant-time';

/** Lets through only the operator (`Authorization: Bearer <ADMIN_TOKEN>`). */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(private readonly env: Environment) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    const expected = this.env.ADMIN_TOKEN;
    if (!token || !expected || !secretsEqual(token, expected)) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'This route needs the operator token: send "Authorization: Bearer <ADMIN_TOKEN>"',
      );
    }
    return true;
  }
}
