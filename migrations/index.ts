import { Foundation1764300000000 } from './1764300000000-Foundation';
import { Parties1764300001000 } from './1764300001000-Parties';
import { Ledger1764300002000 } from './1764300002000-Ledger';
import { PartiesHistory1764300003000 } from './1764300003000-PartiesHistory';
import { Containers1764300004000 } from './1764300004000-Containers';
import { Manifests1764300005000 } from './1764300005000-Manifests';
import { Reconciliation1764300006000 } from './1764300006000-Reconciliation';
import { Reports1764300007000 } from './1764300007000-Reports';
import { ScanPath1764300008000 } from './1764300008000-ScanPath';
import { OwnDisposal1764300009000 } from './1764300009000-OwnDisposal';

/**
 * Every migration, in order. Listed explicitly (not globbed) so compiled code, ts-node and Jest
 * load exactly the same set: add a new migration's class here.
 */
export const MIGRATIONS = [
  Foundation1764300000000,
  Parties1764300001000,
  Ledger1764300002000,
  PartiesHistory1764300003000,
  Containers1764300004000,
  Manifests1764300005000,
  Reconciliation1764300006000,
  Reports1764300007000,
  ScanPath1764300008000,
  OwnDisposal1764300009000,
];
