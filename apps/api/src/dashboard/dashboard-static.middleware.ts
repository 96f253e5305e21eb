import fs from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

export const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

export interface DashboardOptions {
  /** the built dashboard (index.html + assets/); default: NAPFLOW_DASHBOARD_DIR, else apps/dashboard/dist of the checkout */
  root?: string;
}

/**
 * First path segments that belong to the API. The SPA fallback never answers under them, so an unknown API path
 * stays a 404 problem document instead of becoming the dashboard's HTML. The dashboard's own pages live under /app.
 */
export const API_ROUTE_PREFIXES: readonly string[] = [
  'auth',
  'health',
  'plans',
  'cases',
  'inbox',
  'states',
  'agencies',
  'people',
  'admin',
  'docs',
  'email-links',
  'calendar-feeds',
  'email-outbox',
  'metrics',
  'api',
];

/** The dashboard loads only its own files and talks only to this origin. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function isApiPath(urlPath: string): boolean {
  const first = urlPath.split('/').filter(Boolean)[0]?.toLowerCase();
  return first !== undefined && API_ROUTE_PREFIXES.includes(first);
}

function findCheckout(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'napflow')
          return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export function resolveDashboardRoot(options: DashboardOptions = {}): string {
  return path.resolve(
    options.root ??
      process.env.NAPFLOW_DASHBOARD_DIR ??
      path.join(findCheckout(), 'apps', 'dashboard', 'dist'),
  );
}

/** Serves the built dashboard: its files by path, and index.html for any other page a browser asks for. */
@Injectable()
export class DashboardStaticMiddleware implements NestMiddleware {
  private readonly log = new Logger('Dashboard');
  private readonly root: string;
  private warned = false;

  constructor(@Inject(DASHBOARD_OPTIONS) options: DashboardOptions) {
    this.root = resolveDashboardRoot(options);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const urlPath = (req.originalUrl ?? req.url).split('?')[0];
    if (isApiPath(urlPath)) return next();
    const index = path.join(this.root, 'index.html');
    if (!fs.existsSync(index)) {
      if (!this.warned) {
        this.warned = true;
        this.log.warn(`no dashboard build at ${this.root}: run \`npm run build:dashboard\``);
      }
      return next();
    }

    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return next();
    }
    const file = path.resolve(this.root, `.${path.posix.normalize(decoded)}`);
    const inside = file === this.root || file.startsWith(this.root + path.sep);
    const last = decoded.split('/').pop() ?? '';

    if (inside && last.includes('.') && !last.startsWith('.')) {
      // a file request: serve it if it exists, else let the API's 404 answer (no HTML for a missing script)
      fs.stat(file, (err, stat) => {
        if (err || !stat.isFile()) return next();
        const immutable = decoded.startsWith('/assets/');
        res.sendFile(
          file,
          {
            dotfiles: 'deny',
            headers: {
              'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
              'X-Content-Type-Options': 'nosniff',
            },
          },
          (e) => e && next(e),
        );
      });
      return;
    }

    // a page: the SPA decides what to show; only for browsers asking for HTML
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Referrer-Policy', 'same-origin');
    res.sendFile(index, (e) => e && next(e));
  }
}
