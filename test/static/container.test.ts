import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here: these check the files' structure so a broken edit is caught before anyone builds.
describe('container files', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        command?: string[];
        environment?: Record<string, string>;
        volumes?: string[];
        healthcheck?: { test?: string[] };
        depends_on?: Record<string, { condition: string }>;
        profiles?: string[];
        stop_grace_period?: string;
      }
    >;
    volumes: Record<string, unknown>;
  };
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };

  it('compose runs Postgres with a healthcheck and a named volume', () => {
    const pg = compose.services.postgres!;
    expect(pg.image).toMatch(/^postgres:\d+/);
    expect(pg.healthcheck?.test?.join(' ')).toContain('pg_isready');
    const [volume] = pg.volumes![0]!.split(':');
    expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('compose builds the app from the Dockerfile, wired by DATABASE_URL, config read-only', () => {
    const app = compose.services.app!;
    expect(app.build).toBe('.');
    expect(app.command).toEqual(['serve']);
    expect(app.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(app.volumes).toContain('./config:/app/config:ro');
    expect(app.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(app.profiles).toBeUndefined();
  });

  it('compose has a scale-out profile with web and worker', () => {
    expect(compose.services.web?.command).toEqual(['web']);
    expect(compose.services.worker?.command).toEqual(['worker']);
    expect(compose.services.worker?.profiles).toEqual(['scale']);
    // Workers answer /healthz too, so the image's HEALTHCHECK must stay on for them.
    expect(compose.services.worker?.healthcheck).toBeUndefined();
    expect(compose.services.worker?.stop_grace_period).toBe('30s');
  });

  it('the Dockerfile is multi-stage on Node 24, non-root, with a healthcheck, and starts the CLI', () => {
    const stages = dockerfile.match(/^FROM\s+\S+/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/node:24/);
    expect(dockerfile).toMatch(/^USER\s+node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK\s/m);
    expect(dockerfile).toMatch(/\/healthz/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["tributary"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["serve"\]$/m);
    expect(dockerfile).toContain(`/app/${pkg.bin.tributary}`);
    expect(dockerfile).toMatch(/^COPY drizzle \.\/drizzle$/m);
  });
});
