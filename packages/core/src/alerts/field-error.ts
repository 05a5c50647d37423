/** One problem with one input field; `field` is a dotted path such as `printer_id` or `alerts.3.title`. */
export interface FieldError {
  field: string;
  message: string;
}

/** The `field` used when the input as a whole is wrong (not an object, say). */
export const ROOT_FIELD = 'body';
