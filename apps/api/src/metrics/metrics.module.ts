import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';

/** GET /metrics (Prometheus) and the HTTP latency histogram of every route. Import it once in AppModule. */
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, HttpMetricsMiddleware],
  exports: [MetricsRegistry],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
