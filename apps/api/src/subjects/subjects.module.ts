import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { SubjectsController } from './subjects.controller';
import { SubjectsService } from './subjects.service';

/** The subjects events are about: erasing one. */
@Module({
  imports: [ApplicationsModule],
  controllers: [SubjectsController],
  providers: [SubjectsService],
})
export class SubjectsModule {}
