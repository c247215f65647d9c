import { randomBytes } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { ApiError } from '../../../../libs/http/api-error';

/** The console's session cookie (a random ID, HttpOnly, SameSite=Strict, Secure over https) and the refusals about it. */
export const SESSION_COOKIE = 'aw_session';

/** 256 random bits (a session's ID, a portal link's code); only its SHA-256 (tokenHash) is stored. */
export const newSessionId = () => randomBytes(32).toString('base64url');
/** What newSessionId makes: 43 base64url characters. */
export const SESSION_ID_PATTERN = /^[\w-]{43}$/;

export const sessionIdOf = (request: Request): string | undefined => {
  const value: unknown = (request.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value) ? value : undefined;
};

function cookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/' };
}

export function setSessionCookie(response: Response, id: string, expiresAt: Date, secure: boolean): void {
  response.cookie(SESSION_COOKIE, id, { ...cookieOptions(secure), expires: expiresAt });
}

export function clearSessionCookie(response: Response, secure: boolean): void {
  response.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}

export const sessionEnded = () =>
  new ApiError(HttpStatus.UNAUTHORIZED, 'SESSION_EXPIRED', 'Your session has ended: sign in again');

/** A change made with the cookie from anywhere but the console's own pages (CSRF). */
export const crossSite = () =>
  new ApiError(
    HttpStatus.FORBIDDEN,
    'CROSS_SITE_REQUEST',
    "Refused: a change made with the console's cookie must come from the console's own pages",
  );
