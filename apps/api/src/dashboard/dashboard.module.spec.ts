import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { isApiPath } from './dashboard-static.middleware';
import { DashboardModule } from './dashboard.module';

@Controller('cases')
class FakeCasesController {
  @Get()
  list(): { items: unknown[] } {
    return { items: [] };
  }
}

@Module({ controllers: [FakeCasesController] })
class FakeApiModule {}

describe(DashboardModule.name, () => {
  let dir: string;
  let app: INestApplication;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-dashboard-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>napflow</title><div id="root"></div>',
    );
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    fs.writeFileSync(path.join(os.tmpdir(), 'napflow-secret.txt'), 'TOP-SECRET-CONTENT');
    const moduleRef = await Test.createTestingModule({
      imports: [FakeApiModule, DashboardModule.forRoot({ root: dir })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('static files', () => {
    it('serves index.html at /', async () => {
      const res = await request(app.getHttpServer()).get('/').set('Accept', 'text/html').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('<div id="root">');
    });

    it('serves hashed assets with a long cache', async () => {
      const res = await request(app.getHttpServer()).get('/assets/index-abc.js').expect(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toContain('immutable');
    });

    it('answers 404, not HTML, for a missing asset', async () => {
      const res = await request(app.getHttpServer()).get('/assets/missing.js').set('Accept', 'text/html');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('<div id="root">');
    });

    it('does not serve files outside the build', async () => {
      const res = await request(app.getHttpServer()).get('/..%2fnapflow-secret.txt');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('TOP-SECRET-CONTENT');
    });
  });

  describe('SPA fallback', () => {
    it('serves index.html for the dashboard pages', async () => {
      const res = await request(app.getHttpServer())
        .get('/app/cases/case%3AKG%3AM-01?tab=1')
        .set('Accept', 'text/html,application/xhtml+xml')
        .expect(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('leaves API routes to the API', async () => {
      const res = await request(app.getHttpServer()).get('/cases').set('Accept', 'text/html').expect(200);
      expect(res.body).toEqual({ items: [] });
    });

    it('does not swallow unknown paths under API prefixes', async () => {
      for (const p of [
        '/cases/unknown/route',
        '/plans',
        '/admin/definitions',
        '/email-links/x',
        '/metrics',
      ]) {
        const res = await request(app.getHttpServer()).get(p).set('Accept', 'text/html');
        expect(res.status).toBe(404);
        expect(res.text).not.toContain('<div id="root">');
      }
    });

    it('does not answer non-HTML requests or writes', async () => {
      await request(app.getHttpServer()).get('/app/overview').set('Accept', 'application/json').expect(404);
      await request(app.getHttpServer()).post('/app/overview').set('Accept', 'text/html').expect(404);
    });
  });

  describe(isApiPath.name, () => {
    it('matches by first segment only', () => {
      expect(isApiPath('/cases')).toBe(true);
      expect(isApiPath('/cases/1/steps/a/complete')).toBe(true);
      expect(isApiPath('/Email-Links/abc')).toBe(true);
      expect(isApiPath('/app/cases')).toBe(false);
      expect(isApiPath('/casesx')).toBe(false);
      expect(isApiPath('/')).toBe(false);
    });
  });
});
