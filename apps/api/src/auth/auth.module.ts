import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { ConsolePersistenceModule } from '../../../../libs/persistence/console-persistence.module';
import { AuthGuard } from './auth.guard';

/**
 * Every route passes the AuthGuard; @Auth(...) on a route says which credentials it takes, and
 * @PortalAllowed() whether a portal link's session may call it.
 */
@Module({
  imports: [CredentialsModule, ConsolePersistenceModule],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
