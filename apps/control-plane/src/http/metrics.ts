import { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, register } from 'prom-client';
import { Platform } from '../platform/platform';

let defaultsCollected = false;

/** Request latency by route template (never the raw URL: ids would explode the label set). */
export function instrumentHttp(fastify: FastifyInstance, platform: Platform): void {
  if (!defaultsCollected) {
    collectDefaultMetrics();
    defaultsCollected = true;
  }
  const requests = (register.getSingleMetric('dwc_http_request_duration_seconds') as Histogram<string>) ?? new Histogram({
    name: 'dwc_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  fastify.addHook('onResponse', async (request, reply) => {
    requests.observe({ method: request.method, route: request.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000);
  });
  register.removeSingleMetric('dwc_projection_position');
  new Gauge({
    name: 'dwc_projection_position',
    help: 'Global log position (sequence part) each projector has applied',
    labelNames: ['projector'],
    collect() {
      for (const [name, status] of Object.entries(platform.runner.status())) this.set({ projector: name }, Number(status.position.prepare));
    },
  });
}
