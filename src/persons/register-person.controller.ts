import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { RegisterPerson } from '../application/journey-commands';
import { Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { AppendedResponse, commandFromBody, documentedBody, idempotencyKeyFrom } from './write-request';

class RegisteredPersonResponse extends AppendedResponse {
  @ApiProperty({ description: 'The new person\u2019s pseudonymous id (a random UUID)', format: 'uuid' })
  personId!: string;
}

@ApiTags('journey facts')
@ApiBearerAuth()
@Controller('persons')
export class RegisterPersonController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('caseworker', 'programme_manager')
  @ApiOperation({ summary: 'Register a person: opens their journey stream under a new pseudonymous id' })
  @ApiBody({ type: documentedBody('PersonRegistered') })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key registers nobody new and answers as the first time' })
  @ApiResponse({ status: 201, type: RegisteredPersonResponse })
  @ApiResponse({ status: 400, description: 'Invalid fields (application/problem+json, `errors` names each)' })
  register(@Body() body: unknown, @Req() { actor, headers }: AuthenticatedRequest): Promise<RegisteredPersonResponse> {
    const idempotencyKey = idempotencyKeyFrom(headers['idempotency-key']);
    return this.commands.execute(new RegisterPerson(actor, { command: commandFromBody('PersonRegistered', body, actor.org), idempotencyKey }));
  }
}
