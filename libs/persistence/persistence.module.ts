import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Environment } from '../config/environment';
import { MongoCommandCounter } from './command-counter';
import { assertTestDatabase } from './database-name';
import { ClaimsRepository } from './repositories/claims.repository';
import { Claim, ClaimSchema } from './schemas/claim.schema';

/**
 * The MongoDB connection, and the claims every module decides with. The code keeps to
 * single-document writes, so it runs unchanged on MongoDB and on FerretDB (no transactions, no
 * change streams); where a route must decide once among concurrent calls, an insert under a unique
 * key decides (ClaimsRepository says why a conditional update cannot).
 */
@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [Environment],
      useFactory: (env: Environment) => {
        if (env.NODE_ENV === 'test') assertTestDatabase(env.MONGODB_URI);
        return {
          uri: env.MONGODB_URI,
          // Fail a query fast while the database is away; the driver reconnects by itself when it is back.
          serverSelectionTimeoutMS: 5_000,
          // Nest retries a missing database ~27 s by default; tests want the failure at once.
          retryAttempts: env.NODE_ENV === 'test' ? 0 : 5,
          retryDelay: 2_000,
          // Repositories create their indexes at start and fail loudly (see ensure-indexes.ts).
          autoIndex: false,
          monitorCommands: env.MONGODB_MONITOR_COMMANDS,
          // Nor collections: the data migrations run first (migrations.ts), and may rename one into place.
          autoCreate: false,
        };
      },
    }),
    MongooseModule.forFeature([{ name: Claim.name, schema: ClaimSchema }]),
  ],
  providers: [MongoCommandCounter, ClaimsRepository],
  exports: [ClaimsRepository],
})
export class PersistenceModule {}
