import { Foundation1764300000000 } from './1764300000000-Foundation';
import { Parties1764300001000 } from './1764300001000-Parties';

/**
 * Every migration, in order. Listed explicitly (not globbed) so compiled code, ts-node and Jest
 * load exactly the same set: add a new migration's class here.
 */
export const MIGRATIONS = [Foundation1764300000000, Parties1764300001000];
