import type { MentorNote } from '../ReadinessWorkflows';
import type { ProgramStatusRecord } from '../../programs/ProgramRegistry';

/*
 * Records of the store and the program registry are interfaces; the
 * typed router's reply types come from the spec's components, which allow
 * more properties than they list (they have no `additionalProperties:
 * false`), and TypeScript does not let an interface stand for such a type.
 * These functions copy a record into the component's shape field by field,
 * which also keeps what the API shows explicit.
 */

/** components.schemas.MentorNote */
export function toApiMentorNote(note: MentorNote) {
  return {
    id: note.id,
    groupRef: note.groupRef,
    ...(note.entityRef ? { entityRef: note.entityRef } : {}),
    author: note.author,
    body: note.body,
    createdAt: note.createdAt,
  };
}

/** components.schemas.ProgramStatus */
export function toApiProgramStatus(record: ProgramStatusRecord) {
  return {
    id: record.id,
    location: record.location,
    status: record.status,
    ...(record.title !== undefined ? { title: record.title } : {}),
    ...(record.version !== undefined ? { version: record.version } : {}),
    ...(record.mesh !== undefined ? { mesh: record.mesh } : {}),
    inForce: record.inForce,
    ...(record.loadedAt !== undefined ? { loadedAt: record.loadedAt } : {}),
    checkedAt: record.checkedAt,
    problems: record.problems.map(problem => ({ ...problem })),
    ...(record.program !== undefined ? { program: record.program } : {}),
  };
}
