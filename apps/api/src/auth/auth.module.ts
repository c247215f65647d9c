import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { ConsolePersistenceModule } from '../../../../libs/persistence/console-persistence.module';
import { AuthGuard } from './auth.guard';
import { CallerCache } from './caller-cache';

/**
 * Every route passes the AuthGuard; @Auth(...) on a route says which credentials it takes, and
 * @PortalAllowed() whether a portal link's session may call it. The CallerCache is every module's:
 * those that change a credential or an application tell it.
 */
@Global()
@Module({
  imports: [CredentialsModule, ConsolePersistenceModule],
  providers: [CallerCache, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [CallerCache],
})
export class AuthModule {}
