import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Environment } from '../config/environment';
import { MongoCommandCounter } from './command-counter';
import { assertTestDatabase } from './database-name';

/**
 * The MongoDB connection. The code keeps to single-document atomic updates, so it runs unchanged on
 * MongoDB and on FerretDB (no transactions, no change streams).
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
  ],
  providers: [MongoCommandCounter],
})
export class PersistenceModule {}
