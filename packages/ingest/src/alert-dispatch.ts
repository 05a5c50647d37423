import { fanOutJob, type HeraldQueues } from '@herald/queue';

/**
 * Hands saved alerts to the fan-out queue. A failure here loses nothing: the alerts are saved
 * with status `queued`, and the sweeper enqueues them once Redis answers again.
 */
export async function enqueueSavedAlerts(queues: HeraldQueues, alertIds: string[]): Promise<boolean> {
  if (alertIds.length === 0) return true;
  try {
    await queues.alerts.addBulk(alertIds.map(fanOutJob));
    return true;
  } catch {
    return false;
  }
}
