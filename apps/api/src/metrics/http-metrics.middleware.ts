import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from './metrics.registry';

/** Times every request; labels by the route pattern (/cases/:id), never the raw URL, so label values stay few. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsRegistry) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routeOf(req);
      if (route === '/metrics') return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const status = String(res.statusCode);
      this.metrics.httpDuration.observe({ method: req.method, route, status }, seconds);
      if (res.statusCode >= 500) this.metrics.httpErrors.inc({ route, status });
    });
    next();
  }
}

function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl ?? ''}${pattern}` || '/';
  return 'unmatched';
}
