import type { AlertType, AlertView, Severity } from '../alerts/alert-types';

/** The O.D.I.N. generic webhook body, field for field. */
export interface GenericPayload {
  type: AlertType;
  severity: Severity;
  title: string;
  message: string;
  printer_id: number;
  printer_name: string | null;
  /** Epoch seconds; fractional when the alert time has milliseconds (1740480000.5). */
  timestamp: number;
}

export function formatGenericPayload(alert: AlertView): GenericPayload {
  return {
    type: alert.type,
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    printer_id: alert.printerId,
    printer_name: alert.printerName,
    timestamp: alert.occurredAtMs / 1000,
  };
}
