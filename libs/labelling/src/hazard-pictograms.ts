import { HazardCharacteristic } from './label-data';

export type Rgb = readonly [number, number, number];

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];
export const RED: Rgb = [230, 0, 18];

/** One filled or stroked outline, in SVG path syntax, in a 100×100 box. */
export interface PathPart {
  d: string;
  fill?: Rgb;
  stroke?: Rgb;
  strokeWidth?: number;
  roundCaps?: boolean;
}

function circle(cx: number, cy: number, r: number): string {
  return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0Z`;
}

/** The warning diamond every hazard pictogram sits in: white, with a red frame. */
export const PICTOGRAM_FRAME: PathPart = { d: 'M50 3L97 50L50 97L3 50Z', fill: WHITE, stroke: RED, strokeWidth: 5 };

/**
 * Plain black marks for each characteristic, drawn inside the diamond: skull and crossbones, corroding
 * drops, flame, bursting bomb, biohazard rings. Printed next to the characteristic's name, not instead of it.
 */
const SYMBOLS: Readonly<Record<HazardCharacteristic, readonly PathPart[]>> = {
  T: [
    {
      d: 'M50 26C40 26 35 33 35 41C35 47 38 50 41 52L41 58L59 58L59 52C62 50 65 47 65 41C65 33 60 26 50 26Z',
      fill: BLACK,
    },
    { d: circle(44.5, 41, 3.5) + circle(55.5, 41, 3.5), fill: WHITE },
    { d: 'M36 62L64 74M64 62L36 74', stroke: BLACK, strokeWidth: 4.5, roundCaps: true },
  ],
  C: [
    { d: 'M33 26L41 24L45 38L37 40ZM67 26L59 24L55 38L63 40Z', fill: BLACK },
    { d: circle(42, 46, 2.2) + circle(43, 53, 2.2) + circle(58, 46, 2.2) + circle(57, 53, 2.2), fill: BLACK },
    { d: 'M32 62L68 62L68 70L32 70Z', fill: BLACK },
    { d: circle(44, 62, 3) + circle(56, 62, 2.5), fill: WHITE },
  ],
  I: [
    {
      d: 'M50 24C55 34 65 40 63 55C62 64 57 70 50 71C43 70 37 64 37 56C37 48 42 43 44 36C46 42 48 45 51 47C53 40 52 32 50 24Z',
      fill: BLACK,
    },
    { d: 'M36 73L64 73L64 77L36 77Z', fill: BLACK },
  ],
  R: [
    { d: circle(50, 60, 11), fill: BLACK },
    { d: 'M50 44L50 29M40 46L33 35M60 46L67 35M37 53L27 48M63 53L73 48', stroke: BLACK, strokeWidth: 3, roundCaps: true },
  ],
  In: [
    { d: circle(50, 41, 10) + circle(58.7, 56, 10) + circle(41.3, 56, 10), stroke: BLACK, strokeWidth: 4 },
    { d: circle(50, 51, 3.5), fill: BLACK },
  ],
};

export function pictogramParts(hazard: HazardCharacteristic, framed = true): PathPart[] {
  return framed ? [PICTOGRAM_FRAME, ...SYMBOLS[hazard]] : [...SYMBOLS[hazard]];
}
