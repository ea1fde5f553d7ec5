/**
 * The worker's way in: the web server of the config's `web` section, loaded and started only when
 * web.port is set, so a worker without it loads none of the page's code.
 */
import type { App } from '../app.js';
import type { WebOptions, WebServer } from './server.js';

export async function startConfiguredWebServer(app: App, options: Pick<WebOptions, 'afterResolve'> = {}): Promise<WebServer | null> {
  const web = app.config.web;
  if (!web || web.port === null) return null;
  if (!web.token) throw new Error('web.token is required when web.port is set');
  const { startWebServer } = await import('./server.js');
  return startWebServer(app, { ...options, port: web.port, host: web.host, token: web.token, healthPollMaxAgeSeconds: web.healthPollMaxAgeSeconds });
}
