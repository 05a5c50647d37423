import type { AlertView } from './alert-types';

/** Printer id of the test alert: 0 is never a real printer (ids are positive). */
export const TEST_ALERT_PRINTER_ID = 0;

/** The alert `POST /webhooks/:id/test` sends, so a receiver sees exactly what a real alert looks like. */
export function buildTestAlert(nowMs: number): AlertView {
  return {
    id: `test_${nowMs}`,
    type: 'print_complete',
    severity: 'info',
    title: 'Herald test alert',
    message: 'This is a test message from Herald. If you can read it, this webhook works.',
    printerId: TEST_ALERT_PRINTER_ID,
    printerName: 'Test printer',
    orgId: null,
    occurredAtMs: nowMs,
  };
}
