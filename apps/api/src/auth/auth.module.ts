import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { AuthGuard } from './auth.guard';

/** Every route passes the AuthGuard; @Auth(...) on a route says which credentials it takes. */
@Module({
  imports: [CredentialsModule],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
