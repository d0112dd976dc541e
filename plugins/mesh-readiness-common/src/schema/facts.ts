/*
 * Facts the callers hand to the engine that also cross the API (the
 * stateless evaluation).
 */
import { z } from 'zod';
import { component } from './registry';

/**
 * A manifest file as read from the repository.
 *
 * @public
 */
export const manifestFileSchema = component(
  z.strictObject({
    /** Path relative to the repository (shown to users as evidence). */
    path: z.string().min(1),
    content: z.string(),
    /** Optional browsable URL of the file, used to link evidence. */
    url: z.string().optional(),
  }),
  'ManifestFile',
);
