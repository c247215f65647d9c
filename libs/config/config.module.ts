import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { Environment, validateEnvironment } from './environment';

/**
 * Configuration from the environment (and an optional .env file), validated at start: a bad value
 * stops the process naming the variable. Inject `Environment` for typed settings.
 */
@Global()
@Module({
  // Validation happens when Environment is first injected (at start), not when this file is imported.
  imports: [NestConfigModule.forRoot({ isGlobal: true, cache: true })],
  providers: [{ provide: Environment, useFactory: () => validateEnvironment(process.env) }],
  exports: [Environment],
})
export class ConfigModule {}
