import { Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { OperatorGuard } from '../../../../libs/auth/operator.guard';
import { RoundtripParams, RoundtripResponse } from './dto/roundtrip.dto';
import { RoundtripsService } from './roundtrips.service';

@ApiTags('diagnostics')
@ApiBearerAuth('operator')
@ApiUnauthorizedResponse({ description: 'Missing or wrong operator token' })
@UseGuards(OperatorGuard)
@Controller('diagnostics/roundtrips')
export class RoundtripsController {
  constructor(private readonly roundtrips: RoundtripsService) {}

  @Post()
  @ApiOperation({
    summary: 'Deep check: API -> Temporal -> worker -> MongoDB -> API',
    description:
      'Starts a workflow whose activity writes to MongoDB, waits for it, and returns what was written.',
  })
  @ApiCreatedResponse({ type: RoundtripResponse })
  @ApiGatewayTimeoutResponse({ description: 'No worker finished the workflow in time' })
  run(): Promise<RoundtripResponse> {
    return this.roundtrips.run();
  }

  @Get(':id')
  @ApiOperation({ summary: 'A roundtrip, read back from MongoDB' })
  @ApiOkResponse({ type: RoundtripResponse })
  @ApiNotFoundResponse()
  get(@Param() { id }: RoundtripParams): Promise<RoundtripResponse> {
    return this.roundtrips.get(id);
  }
}
