/**
 * `rsvp web [--port N] [--host H]`: serves the coordinators' page, /healthz and /metrics alone,
 * without polling or sending on a schedule (a worker elsewhere does that), until SIGTERM/SIGINT.
 */
import type { Command } from 'commander';
import type { App } from '../app.js';

export class WebError extends Error {
  readonly code = 'EUSAGE';
}

export function addWebCommand(program: Command, withApp: <T>(work: (app: App) => Promise<T>) => Promise<T>): void {
  program
    .command('web')
    .description("serve the coordinators' page, /healthz and /metrics (web.* of the config) until SIGTERM/SIGINT")
    .option('--port <n>', 'port (default: web.port, else 8080)')
    .option('--host <host>', 'address to listen on (default: web.host)')
    .action(async (opts: { port?: string; host?: string }) => {
      await withApp(async (app) => {
        const web = app.config.web;
        if (!web.token) throw new WebError('web.token is not set in the config: the page needs a token (at least 16 characters)');
        const port = opts.port !== undefined ? Number(opts.port) : (web.port ?? 8080);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WebError(`--port must be a port number, not "${opts.port}"`);
        const { startWebServer } = await import('../web/server.js');
        const server = await startWebServer(app, { port, host: opts.host ?? web.host, token: web.token, healthPollMaxAgeSeconds: web.healthPollMaxAgeSeconds });
        process.stdout.write(`serving ${server.url}/ (healthz and metrics without the token)\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            resolve();
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
        await server.close();
      });
    });
}
