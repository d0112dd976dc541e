/*
 * Text that catalog and manifest authors wrote (finding messages, file
 * names, resource names, justifications) goes into notifications only
 * bounded and on one line: control characters and line breaks cannot
 * reshape the notification, and a huge message cannot flood it.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of at most `max` characters (an ellipsis marks a cut). */
export function boundedText(text: string, max: number): string {
  const line = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  return `${line.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Joins parts into a description of at most `max` characters. */
export function joinBounded(parts: string[], max: number): string {
  const text = parts.filter(part => part.length > 0).join(' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
