import { Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator';
import { RoundtripParams, RoundtripResponse } from './dto/roundtrip.dto';
import { RoundtripsService } from './roundtrips.service';

@ApiTags('diagnostics')
@Auth('operator')
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
