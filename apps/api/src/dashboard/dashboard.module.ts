import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import {
  DASHBOARD_OPTIONS,
  type DashboardOptions,
  DashboardStaticMiddleware,
} from './dashboard-static.middleware';

/**
 * The web dashboard (apps/dashboard, built by `npm run build:dashboard`) served by the API at `/`, with a fallback
 * to index.html for the SPA's pages under /app. A middleware, not a controller: it needs no authentication (the
 * files are public; the data behind them is not) and it passes every API path through untouched.
 */
@Module({
  providers: [
    { provide: DASHBOARD_OPTIONS, useValue: {} satisfies DashboardOptions },
    DashboardStaticMiddleware,
  ],
})
export class DashboardModule implements NestModule {
  static forRoot(options: DashboardOptions): DynamicModule {
    return {
      module: DashboardModule,
      providers: [{ provide: DASHBOARD_OPTIONS, useValue: options }, DashboardStaticMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(DashboardStaticMiddleware)
      .forRoutes(
        { path: '{*path}', method: RequestMethod.GET },
        { path: '{*path}', method: RequestMethod.HEAD },
      );
  }
}
