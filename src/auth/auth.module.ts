import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

/** Authentication and roles for every route (AuthGuard, installed globally). */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: { tokenVerifier: TokenVerifier; authFailuresPerMinute: number }): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: TokenVerifier, useValue: options.tokenVerifier },
        { provide: AuthFailureLimiter, useValue: new AuthFailureLimiter(options.authFailuresPerMinute) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier],
    };
  }
}
