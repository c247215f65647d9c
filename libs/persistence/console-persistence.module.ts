import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConsoleSessionsRepository } from './repositories/console-sessions.repository';
import {
  ConsoleSession,
  ConsoleSessionSchema,
  PortalLink,
  PortalLinkSchema,
} from './schemas/console-session.schema';

/** The console's sign-ins and portal links. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ConsoleSession.name, schema: ConsoleSessionSchema },
      { name: PortalLink.name, schema: PortalLinkSchema },
    ]),
  ],
  providers: [ConsoleSessionsRepository],
  exports: [ConsoleSessionsRepository],
})
export class ConsolePersistenceModule {}
