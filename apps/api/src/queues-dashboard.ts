import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DomainException } from '@app/errors';
import { TokenService, bearerToken, isPlatformAdmin } from '@app/parties';
import { JobQueueService, QueueName } from '@app/queue';

export const QUEUES_DASHBOARD_PATH = '/admin/queues';

/**
 * The bull-board dashboard, for platform admins only. The bearer token may also come as
 * `?token=` for a browser's first visit; it then lives in a cookie scoped to the dashboard.
 */
export function mountQueuesDashboard(app: INestApplication): void {
  const tokens = app.get(TokenService);
  const jobs = app.get(JobQueueService);
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUES_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(jobs.queue(name), { readOnlyMode: false })),
    serverAdapter: adapter,
  });
  const adminOnly = (req: Request, _res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    if (!token) return next(new DomainException('UNAUTHENTICATED'));
    tokens.resolve(token).then(
      (actor) => {
        if (!actor) return next(new DomainException('UNAUTHENTICATED'));
        if (!isPlatformAdmin(actor)) return next(new DomainException('FORBIDDEN'));
        next();
      },
      (error: unknown) => next(error),
    );
  };
  app.use(QUEUES_DASHBOARD_PATH, adminOnly, adapter.getRouter());
}
